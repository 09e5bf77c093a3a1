/** The filter fields of the overview dashboard (URL keys of MetricsQuerySchema). */
import type { FilterField } from '../../../components/filters/FilterForm.tsx';

export const OVERVIEW_FILTER_FIELDS: readonly FilterField[] = [
  { name: 'model', label: 'Model', placeholder: 'any' },
  { name: 'environment', label: 'Environment', placeholder: 'any' },
  { name: 'promptName', label: 'Prompt', placeholder: 'any' },
  { name: 'promptVersion', label: 'Prompt version', placeholder: 'any' },
  { name: 'tag', label: 'Tag', placeholder: 'any' },
  { name: 'name', label: 'Route', placeholder: 'any' },
];
