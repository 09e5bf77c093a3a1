'use client';
/**
 * A metrics time series drawn with recharts: lines (or stacked areas) over UTC buckets, the
 * axis and tooltip values formatted for people. Takes plain data and names of formatters so
 * server components can render it.
 */
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatValue, type ValueKind } from '../format/humanFormat.ts';
import type { MetricsBucket } from '../timeRange/timeRange.ts';
import { formatBucketTick } from './seriesTime.ts';

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

export function TimeSeriesChart({
  title,
  points,
  series,
  valueKind,
  bucket,
  variant = 'line',
  height = 220,
}: {
  title: string;
  points: ReadonlyArray<Record<string, number | string | null>>;
  series: readonly ChartSeries[];
  valueKind: ValueKind;
  bucket: MetricsBucket;
  variant?: 'line' | 'area';
  height?: number;
}) {
  const data = points as Array<Record<string, number | string | null>>;
  const axes = (
    <>
      <CartesianGrid stroke="#eef0f3" vertical={false} />
      <XAxis
        dataKey="time"
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        tickFormatter={(value: number) => formatBucketTick(value, bucket)}
        tick={{ fontSize: 11, fill: '#5f6b7a' }}
        minTickGap={24}
      />
      <YAxis
        width={64}
        tickFormatter={(value: number) => formatValue(valueKind, value)}
        tick={{ fontSize: 11, fill: '#5f6b7a' }}
        allowDecimals={valueKind !== 'count'}
      />
      <Tooltip
        labelFormatter={(value) => `${formatBucketTick(Number(value), bucket, true)} UTC`}
        formatter={(value) => formatValue(valueKind, typeof value === 'number' ? value : null)}
      />
      <Legend wrapperStyle={{ fontSize: 12 }} />
    </>
  );
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        {variant === 'area' ? (
          <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            {axes}
            {series.map((item) => (
              <Area
                key={item.key}
                type="monotone"
                dataKey={item.key}
                name={item.label}
                stroke={item.color}
                fill={item.color}
                fillOpacity={0.25}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </AreaChart>
        ) : (
          <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            {axes}
            {series.map((item) => (
              <Line
                key={item.key}
                type="monotone"
                dataKey={item.key}
                name={item.label}
                stroke={item.color}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}
