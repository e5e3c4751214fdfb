import { useEffect, useState } from 'react';
import { useLoad } from '../api/api-context.tsx';
import { listFiringAlerts, type FiringAlert } from '../api/alerts.ts';
import { Loading, ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatDateTime, formatDuration } from '../format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { alertsView, firingFor, runbookHref, whereFiring } from './alert-list.ts';

const REFRESH_S = 15;

function AlertCard({ alert, now }: { alert: FiringAlert; now: Date }) {
  const { t, language } = useI18n();
  const href = runbookHref(alert.runbookUrl);
  const where = whereFiring(alert.labels);
  return (
    <li className={`card alert severity-${alert.severity}`} data-testid="alert" data-severity={alert.severity}>
      <h2>
        <span className={`badge severity-${alert.severity}`}>{t(`severity_${alert.severity}`)}</span> {alert.name}
      </h2>
      {alert.summary && <p data-testid="alert-summary">{alert.summary}</p>}
      {alert.description && <p className="muted">{alert.description}</p>}
      <dl className="facts">
        <dt>{t('alertsSince')}</dt>
        <dd data-testid="alert-since">
          {formatDateTime(alert.startsAt, language)} ({t('alertsFiringFor', { duration: formatDuration(firingFor(alert.startsAt, now), language) })})
        </dd>
        {where && (
          <>
            <dt>{t('alertsWhere')}</dt>
            <dd>{where}</dd>
          </>
        )}
        <dt>{t('alertsRunbook')}</dt>
        <dd>
          {href ? (
            <a href={href} target="_blank" rel="noreferrer" data-testid="alert-runbook">
              {href}
            </a>
          ) : (
            <code data-testid="alert-runbook">{alert.runbookUrl ?? t('none')}</code>
          )}
        </dd>
      </dl>
    </li>
  );
}

/** The alerts firing now, for admins; asked again every 15 s while the tab is visible. */
export function AlertsPage() {
  const { t, language } = useI18n();
  const alerts = useLoad(listFiringAlerts, []);
  const { reload } = alerts;
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);

  useEffect(() => {
    const timer = setInterval(() => {
      if (!document.hidden) reload();
    }, REFRESH_S * 1000);
    return () => clearInterval(timer);
  }, [reload]);
  useEffect(() => {
    if (alerts.data) setCheckedAt(new Date());
  }, [alerts.data]);

  const view = alerts.data ? alertsView(alerts.data) : null;
  return (
    <section>
      <h1>{t('alertsTitle')}</h1>
      {/* While Alertmanager cannot be read, an older check's time would read as if all were well. */}
      {checkedAt && !alerts.error && (
        <p className="freshness" data-testid="alerts-checked">
          {t('alertsCheckedAt', { time: formatDateTime(checkedAt.toISOString(), language), seconds: REFRESH_S })}
        </p>
      )}
      <ProblemAlert problem={alerts.error} onRetry={reload} />
      {alerts.loading && !alerts.data && !alerts.error && <Loading />}
      {view && checkedAt && (
        <>
          {view.problems.length === 0 ? (
            <p className="notice" data-testid="no-alerts">
              {t('alertsNone')}
            </p>
          ) : (
            <ul className="cards" data-testid="alerts">
              {view.problems.map((alert) => (
                <AlertCard key={alert.fingerprint} alert={alert} now={checkedAt} />
              ))}
            </ul>
          )}
          {view.pipelineAlive && (
            <p className="muted" data-testid="alerts-pipeline-alive">
              {t('alertsPipelineAlive')}
            </p>
          )}
        </>
      )}
    </section>
  );
}
