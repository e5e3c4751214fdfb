/**
 * Bar and line charts drawn as plain SVG: a report has a handful of series over at most a few
 * hundred periods, which needs no charting library (and keeps the bundle small on a phone).
 */
const PALETTE = ['#1d4ed8', '#f97316', '#16a34a', '#9333ea', '#dc2626'];
const WIDTH = 640;
const HEIGHT = 260;
const PAD = { top: 16, right: 12, bottom: 48, left: 56 };

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / magnitude) * magnitude;
}

export function Chart({ kind, title, categories, series, format }: { kind: 'bar' | 'line'; title: string; categories: string[]; series: ChartSeries[]; format(value: number): string }) {
  const max = niceMax(Math.max(0, ...series.flatMap((one) => one.values.filter((value): value is number => value !== null))));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const step = categories.length > 0 ? plotWidth / categories.length : plotWidth;
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  const labelEvery = Math.max(1, Math.ceil(categories.length / 8));
  const barWidth = Math.max(1, (step * 0.8) / Math.max(1, series.length));

  return (
    <figure className="chart" data-testid="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        {[0, 0.5, 1].map((share) => (
          <g key={share}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max * share)} y2={y(max * share)} className="grid" />
            <text x={PAD.left - 6} y={y(max * share) + 4} textAnchor="end" className="axis">
              {format(max * share)}
            </text>
          </g>
        ))}
        {categories.map((category, index) =>
          index % labelEvery === 0 ? (
            <text key={category + index} x={PAD.left + step * index + step / 2} y={HEIGHT - PAD.bottom + 16} textAnchor="middle" className="axis">
              {category.length > 10 ? `${category.slice(0, 9)}…` : category}
            </text>
          ) : null,
        )}
        {series.map((one, seriesIndex) => {
          const colour = PALETTE[seriesIndex % PALETTE.length];
          if (kind === 'bar') {
            return one.values.map((value, index) =>
              value === null ? null : (
                <rect key={`${seriesIndex}-${index}`} x={PAD.left + step * index + step * 0.1 + barWidth * seriesIndex} y={y(value)} width={barWidth} height={Math.max(0, PAD.top + plotHeight - y(value))} fill={colour}>
                  <title>{`${categories[index]} · ${one.label}: ${format(value)}`}</title>
                </rect>
              ),
            );
          }
          const points = one.values.flatMap((value, index) => (value === null ? [] : [`${PAD.left + step * index + step / 2},${y(value)}`]));
          return <polyline key={seriesIndex} points={points.join(' ')} fill="none" stroke={colour} strokeWidth={2} />;
        })}
      </svg>
      <ul className="legend">
        {series.map((one, index) => (
          <li key={one.label}>
            <span className="swatch" data-colour={index % PALETTE.length} />
            {one.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
