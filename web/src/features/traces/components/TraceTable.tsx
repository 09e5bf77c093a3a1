'use client';
/**
 * The trace explorer's table (TanStack Table): server-sorted columns whose headers are links
 * (the sort lives in the URL), a column chooser remembered in localStorage, and rows that open
 * the trace. Every value is rendered as React text.
 */
import {
  columnVisibilityFeature,
  createColumnHelper,
  tableFeatures,
  useTable,
  type ColumnVisibilityState,
} from '@tanstack/react-table';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import {
  formatCompactCount,
  formatCost,
  formatLatency,
} from '../../../components/format/humanFormat.ts';
import { explorePaths } from '../../../components/url/projectLinks.ts';
import { hrefWith } from '../../../components/url/queryString.ts';
import type { TraceListRowView } from '../api/operations.ts';
import { formatTimestamp } from '../displayFormat.ts';
import { fromDateTime64Text } from './traceTime.ts';
import { StatusBadge } from './StatusBadge.tsx';
import {
  COLUMNS_STORAGE_KEY,
  TRACE_COLUMNS,
  defaultColumnVisibility,
  preview,
  readColumnVisibility,
} from './traceColumns.ts';

const features = tableFeatures({ columnVisibilityFeature });
const helper = createColumnHelper<typeof features, TraceListRowView>();

const columns = helper.columns([
  helper.accessor('startTime', {
    id: 'startTime',
    cell: (info) => formatTimestamp(fromDateTime64Text(info.getValue()), info.getValue()),
  }),
  helper.accessor('name', { id: 'name', cell: (info) => info.getValue() }),
  helper.accessor('status', {
    id: 'status',
    cell: (info) => <StatusBadge code={info.getValue()} />,
  }),
  helper.accessor('model', { id: 'model', cell: (info) => info.getValue() || '—' }),
  helper.accessor('durationMs', {
    id: 'durationMs',
    cell: (info) => formatLatency(info.getValue()),
  }),
  helper.accessor((row) => row.inputTokens + row.outputTokens, {
    id: 'tokens',
    cell: (info) =>
      `${formatCompactCount(info.row.original.inputTokens)} / ${formatCompactCount(info.row.original.outputTokens)}`,
  }),
  helper.accessor('costUsd', {
    id: 'costUsd',
    cell: (info) => formatCost({ costUsd: info.getValue() }),
  }),
  helper.accessor('userId', { id: 'userId', cell: (info) => info.getValue() || '—' }),
  helper.accessor('sessionId', { id: 'sessionId', cell: (info) => info.getValue() || '—' }),
  helper.accessor((row) => (row.promptName ? `${row.promptName} v${row.promptVersion}` : ''), {
    id: 'prompt',
    cell: (info) => info.getValue() || '—',
  }),
  helper.accessor('environment', { id: 'environment', cell: (info) => info.getValue() || '—' }),
  helper.accessor('tags', {
    id: 'tags',
    cell: (info) =>
      info
        .getValue()
        .slice(0, 5)
        .map((tag, index) => (
          <span className="tag" key={index}>
            {tag.slice(0, 64)}
          </span>
        )),
  }),
  helper.accessor((row) => row.piiTypes.length + row.secretCount, {
    id: 'findings',
    cell: (info) => {
      const { piiTypes, secretCount, injectionScore } = info.row.original;
      const labels = [
        ...piiTypes.slice(0, 4),
        ...(secretCount > 0 ? [`${secretCount} secret${secretCount === 1 ? '' : 's'}`] : []),
        ...(injectionScore >= 0.5 ? ['injection?'] : []),
      ];
      return labels.length === 0 ? (
        <span className="muted">—</span>
      ) : (
        labels.map((label, index) => (
          <span className="tag finding-tag" key={index}>
            {label.slice(0, 40)}
          </span>
        ))
      );
    },
  }),
  helper.accessor('evalFailed', {
    id: 'evalFailed',
    cell: (info) => info.getValue().slice(0, 5).join(', ') || '—',
  }),
  helper.accessor('inputPreview', { id: 'inputPreview', cell: (info) => preview(info.getValue()) }),
  helper.accessor('outputPreview', {
    id: 'outputPreview',
    cell: (info) => preview(info.getValue()),
  }),
  helper.accessor('spanCount', {
    id: 'spanCount',
    cell: (info) => formatCompactCount(info.getValue()),
  }),
  helper.accessor('traceId', { id: 'traceId', cell: (info) => info.getValue().slice(0, 12) }),
]);

const NUMERIC = new Set(['durationMs', 'tokens', 'costUsd', 'spanCount']);
const WIDE = new Set(['name', 'inputPreview', 'outputPreview', 'userId', 'sessionId']);

export function TraceTable({
  projectId,
  rows,
  sort,
  direction,
  sortable = true,
}: {
  projectId: string;
  rows: TraceListRowView[];
  sort: string;
  direction: 'asc' | 'desc';
  /** False where the page fixes the order (a user's or a session's traces). */
  sortable?: boolean;
}) {
  const pathname = usePathname();
  const params = useSearchParams();
  const [columnVisibility, setColumnVisibility] =
    useState<ColumnVisibilityState>(defaultColumnVisibility);
  const [chooserOpen, setChooserOpen] = useState(false);

  useEffect(() => {
    setColumnVisibility(readColumnVisibility(window.localStorage.getItem(COLUMNS_STORAGE_KEY)));
  }, []);

  function changeVisibility(next: ColumnVisibilityState) {
    setColumnVisibility(next);
    window.localStorage.setItem(COLUMNS_STORAGE_KEY, JSON.stringify(next));
  }

  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (row) => row.traceId,
    state: { columnVisibility },
    onColumnVisibilityChange: (updater) =>
      changeVisibility(typeof updater === 'function' ? updater(columnVisibility) : updater),
  });

  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    query[key] = all.length === 1 ? all[0]! : all;
  }
  const detailQuery = { range: query.range, from: query.from, to: query.to };

  function sortHref(field: string): string {
    const nextDirection = field === sort && direction === 'desc' ? 'asc' : 'desc';
    return hrefWith(pathname, query, { sort: field, direction: nextDirection, cursor: null });
  }

  return (
    <>
      <div className="table-tools">
        <button
          type="button"
          aria-expanded={chooserOpen}
          onClick={() => setChooserOpen((open) => !open)}
        >
          Columns
        </button>
        {chooserOpen ? (
          <fieldset className="column-chooser">
            <legend>Shown columns</legend>
            {TRACE_COLUMNS.map((definition) => {
              const column = table.getColumn(definition.id);
              return (
                <label key={definition.id}>
                  <input
                    type="checkbox"
                    checked={column?.getIsVisible() ?? false}
                    onChange={(event) => column?.toggleVisibility(event.target.checked)}
                  />{' '}
                  {definition.label}
                </label>
              );
            })}
            <button type="button" onClick={() => changeVisibility(defaultColumnVisibility())}>
              Reset
            </button>
          </fieldset>
        ) : null}
      </div>
      <div className="table-scroll">
        <table className="data-table traces-table" data-testid="traces-table">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const definition = TRACE_COLUMNS.find((column) => column.id === header.id);
                  const sortField =
                    sortable && definition && 'sortField' in definition
                      ? definition.sortField
                      : undefined;
                  const active = sortField === sort;
                  return (
                    <th
                      key={header.id}
                      className={NUMERIC.has(header.id) ? 'numeric' : undefined}
                      aria-sort={
                        active ? (direction === 'asc' ? 'ascending' : 'descending') : undefined
                      }
                    >
                      {sortField ? (
                        <Link href={sortHref(sortField)} className="sort-link">
                          {definition?.label}
                          {active ? (direction === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
                        </Link>
                      ) : (
                        definition?.label
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => {
              const href = hrefWith(
                explorePaths.trace(projectId, row.original.traceId),
                detailQuery,
              );
              return (
                <tr
                  key={row.id}
                  className={row.original.status === 'error' ? 'row-error' : undefined}
                >
                  {row.getVisibleCells().map((cell, index) => {
                    const className = [
                      NUMERIC.has(cell.column.id) ? 'numeric' : '',
                      WIDE.has(cell.column.id) ? 'ellipsis' : '',
                    ]
                      .filter(Boolean)
                      .join(' ');
                    return (
                      <td key={cell.id} className={className || undefined}>
                        {index === 0 ? (
                          <Link href={href} className="row-link">
                            <table.FlexRender cell={cell} />
                          </Link>
                        ) : (
                          <table.FlexRender cell={cell} />
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
