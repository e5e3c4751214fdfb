import { useState, type FormEvent } from 'react';
import { asProblem, useApi, useLoad } from '../api/api-context.tsx';
import type { ApiProblem } from '../api/problem.ts';
import { downloadReportCsv, listReports, runReport, type Granularity, type ReportAnswer, type ReportColumn, type ReportName, type ReportQuery } from '../api/reports.ts';
import { Chart } from '../components/Chart.tsx';
import { Loading, ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatDateTime, formatKrw, formatNumber, koreanDay } from '../format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { Language } from '../i18n/messages.ts';
import { chartsOf } from './report-charts.ts';

const GRANULARITIES: Granularity[] = ['day', 'week', 'month'];

function formatCell(value: unknown, column: ReportColumn, language: Language): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value !== 'number') return String(value);
  switch (column.type) {
    case 'krw':
      return formatKrw(value);
    case 'percent':
      return `${formatNumber(value, language)}%`;
    case 'integer':
      return formatNumber(value, language, 0);
    default:
      return formatNumber(value, language);
  }
}

/** 404/503 from a gateway that does not forward the reports (yet), or a reporter that is down; an unknown report name is a 400. */
function unavailable(problem: ApiProblem | null): boolean {
  return problem !== null && (problem.status === 404 || problem.status === 503);
}

export function ReportsPage() {
  const api = useApi();
  const { t, language } = useI18n();
  const reports = useLoad(listReports, []);
  const [query, setQuery] = useState<ReportQuery | null>(null);
  const [answer, setAnswer] = useState<ReportAnswer | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [rangeError, setRangeError] = useState(false);

  const run = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: ReportQuery = { name: String(form.get('name')) as ReportName, from: String(form.get('from')), to: String(form.get('to')), granularity: String(form.get('granularity')) as Granularity };
    setProblem(null);
    setRangeError(next.to < next.from);
    if (next.to < next.from) {
      setAnswer(null);
      setQuery(null);
      return;
    }
    setBusy(true);
    try {
      setAnswer(await runReport(api, next));
      setQuery(next);
    } catch (error) {
      setAnswer(null);
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  const download = async () => {
    if (!query) return;
    try {
      const { blob, fileName } = await downloadReportCsv(api, query);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setProblem(asProblem(error));
    }
  };

  const listProblem = reports.error;
  if (unavailable(listProblem)) {
    return (
      <section className="card">
        <h1>{t('reportsTitle')}</h1>
        <p className="problem" role="alert" data-testid="reports-unavailable">
          {t('reportsUnavailable', { status: listProblem!.status })}
        </p>
      </section>
    );
  }

  return (
    <section>
      <h1>{t('reportsTitle')}</h1>
      <ProblemAlert problem={listProblem} onRetry={reports.reload} />
      {reports.loading && !reports.data && <Loading />}
      {reports.data && (
        <form className="filters" onSubmit={run} data-testid="report-form">
          <label>
            {t('report')}
            <select name="name" data-testid="report-name">
              {reports.data.map((report) => (
                <option key={report.name} value={report.name} title={report.summary}>
                  {report.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('from')}
            <input name="from" type="date" required defaultValue={koreanDay(29)} data-testid="report-from" />
          </label>
          <label>
            {t('to')}
            <input name="to" type="date" required defaultValue={koreanDay(0)} data-testid="report-to" />
          </label>
          <label>
            {t('granularity')}
            <select name="granularity" defaultValue="day">
              {GRANULARITIES.map((granularity) => (
                <option key={granularity} value={granularity}>
                  {t(`granularity_${granularity}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy} data-testid="run-report">
            {t('run')}
          </button>
        </form>
      )}
      {rangeError && (
        <p className="problem" role="alert">
          {t('badDateRange')}
        </p>
      )}
      {unavailable(problem) ? (
        <p className="problem" role="alert" data-testid="reports-unavailable">
          {t('reportsUnavailable', { status: problem!.status })}
        </p>
      ) : (
        <ProblemAlert problem={problem} />
      )}
      {answer && (
        <div className="card" data-testid="report">
          <h2>{answer.title}</h2>
          <p className="freshness" data-testid="freshness">
            {t('dataAsOf', { time: formatDateTime(answer.dataAsOf, language) })} · {t('replicaLag', { seconds: formatNumber(answer.replicaLagSeconds, language) })}
          </p>
          {answer.warnings.map((warning) => (
            <p key={warning} className="notice">
              {warning}
            </p>
          ))}
          <button type="button" className="secondary" onClick={() => void download()} data-testid="download-csv">
            {t('downloadCsv')}
          </button>
          {answer.rows.length === 0 && <p className="muted">{t('noRows')}</p>}
          {chartsOf(answer).map((chart) => (
            <Chart key={chart.title} kind={chart.kind} title={chart.title} categories={chart.categories} series={chart.series} format={(value) => formatNumber(value, language)} />
          ))}
          <div className="table-scroll">
            <table data-testid="report-table">
              <thead>
                <tr>
                  {answer.columns.map((column) => (
                    <th key={column.key}>{column.label}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {answer.rows.map((row, index) => (
                  <tr key={index}>
                    {answer.columns.map((column) => (
                      <td key={column.key} className={column.type === 'text' ? '' : 'number'}>
                        {formatCell(row[column.key], column, language)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
