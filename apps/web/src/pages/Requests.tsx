import { useState } from 'react';
import { asProblem, useApi, useLoad } from '../api/api-context.tsx';
import { unwrap } from '../api/client.ts';
import { useIdempotencyKey } from '../api/idempotency.ts';
import type { ApiProblem } from '../api/problem.ts';
import type { Quote, QuoteRequest } from '../api/types.ts';
import { MediaThumb } from '../components/MediaThumb.tsx';
import { Loading, ProblemAlert } from '../components/ProblemAlert.tsx';
import { carName, loadCatalogNames, regionName, type CatalogNames } from '../catalog.ts';
import { formatDate, formatKrw } from '../format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';

export function StatusBadge({ status }: { status: QuoteRequest['status'] }) {
  const { t } = useI18n();
  return <span className={`badge status-${status}`} data-testid="request-status">{t(`status_${status}`)}</span>;
}

export function RequestSummary({ request, names }: { request: QuoteRequest; names: CatalogNames | null }) {
  const { t, language } = useI18n();
  return (
    <dl className="facts">
      <dt>{t('region')}</dt>
      <dd>{regionName(names, request.region, language)}</dd>
      <dt>{t('purchaseTiming')}</dt>
      <dd>{t(`timing_${request.purchaseTiming}`)}</dd>
      <dt>{t('paymentMethod')}</dt>
      <dd>{t(`payment_${request.paymentMethod}`)}</dd>
      <dt>{t('listPrice')}</dt>
      <dd>{formatKrw(request.listPriceKrw)}</dd>
      {request.options.length > 0 && (
        <>
          <dt>{t('options')}</dt>
          <dd>{request.options.map((option) => option.name).join(', ')}</dd>
        </>
      )}
      {request.note && (
        <>
          <dt>{t('note')}</dt>
          <dd>{request.note}</dd>
        </>
      )}
      <dt>{t('expiresAt')}</dt>
      <dd>{formatDate(request.expiresAt, language)}</dd>
    </dl>
  );
}

export function RequestPhotos({ request }: { request: QuoteRequest }) {
  const { t } = useI18n();
  if (request.attachmentIds.length === 0) return null;
  return (
    <div className="gallery" data-testid="request-photos">
      {request.attachmentIds.map((id, index) => (
        <MediaThumb key={id} mediaId={id} alt={`${t('photos')} ${index + 1}`} />
      ))}
    </div>
  );
}

export function MyRequestsPage() {
  const { t, language } = useI18n();
  const names = useLoad(loadCatalogNames, []);
  const requests = useLoad((api) => unwrap(api.client.GET('/v1/quote-requests', { params: { query: { limit: 50 } } })), []);
  return (
    <section>
      <h1>{t('myRequestsTitle')}</h1>
      <Link className="button" to="/catalog">
        {t('nav_newRequest')}
      </Link>
      <ProblemAlert problem={requests.error} onRetry={requests.reload} />
      {requests.loading && !requests.data && <Loading />}
      {requests.data?.items.length === 0 && <p className="muted">{t('noRequests')}</p>}
      <ul className="cards">
        {requests.data?.items.map((request) => (
          <li key={request.id} className="card" data-testid="request-card">
            <Link to={`/requests/${request.id}`}>
              <strong>{t('requestNumber', { id: request.id })}</strong> <StatusBadge status={request.status} />
              <div>{carName(names.data, request)}</div>
              <small className="muted">
                {t('createdAt')} {formatDate(request.createdAt, language)} · {regionName(names.data, request.region, language)}
              </small>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The customer's request: its quotes side by side, cheapest first, each one acceptable while open. */
export function RequestDetailPage({ id }: { id: number }) {
  const api = useApi();
  const { t, language } = useI18n();
  const names = useLoad(loadCatalogNames, []);
  const request = useLoad((client) => unwrap(client.client.GET('/v1/quote-requests/{id}', { params: { path: { id } } })), [id]);
  const quotes = useLoad((client) => unwrap(client.client.GET('/v1/quote-requests/{id}/quotes', { params: { path: { id }, query: { limit: 100 } } })), [id]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const acceptKey = useIdempotencyKey();
  const cancelKey = useIdempotencyKey();

  if (request.error) return <ProblemAlert problem={request.error} onRetry={request.reload} />;
  if (!request.data) return <Loading />;
  const current = request.data;
  const visible = [...(quotes.data?.items ?? [])].filter((quote) => quote.status !== 'withdrawn').sort((a, b) => a.priceKrw - b.priceKrw);
  const lowest = visible.find((quote) => quote.status === 'active' || quote.status === 'accepted')?.priceKrw;

  const act = async (run: () => Promise<unknown>, idempotency: ReturnType<typeof useIdempotencyKey>, done: string) => {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      await run();
      idempotency.settle();
      setNotice(done);
      request.reload();
      quotes.reload();
    } catch (error) {
      idempotency.settle(error);
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };
  const accept = (quote: Quote) => {
    if (!window.confirm(t('confirmAccept', { dealer: quote.dealershipName, price: formatKrw(quote.priceKrw) }))) return;
    void act(() => unwrap(api.client.POST('/v1/quote-requests/{id}/accept', { params: { path: { id }, header: { 'idempotency-key': acceptKey.key } }, body: { quoteId: quote.id } })), acceptKey, t('accepted'));
  };
  const cancel = () => {
    if (!window.confirm(t('confirmCancel'))) return;
    void act(() => unwrap(api.client.POST('/v1/quote-requests/{id}/cancel', { params: { path: { id }, header: { 'idempotency-key': cancelKey.key } } })), cancelKey, t('status_cancelled'));
  };

  return (
    <section>
      <div className="card">
        <h1>
          {t('requestTitle', { id })} <StatusBadge status={current.status} />
        </h1>
        <h2>{carName(names.data, current)}</h2>
        <RequestSummary request={current} names={names.data} />
        <RequestPhotos request={current} />
        {current.status === 'open' && (
          <button type="button" className="secondary" disabled={busy} onClick={cancel}>
            {t('cancelRequest')}
          </button>
        )}
      </div>
      <h2>{t('quotesTitle')}</h2>
      {notice && (
        <p className="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      <ProblemAlert problem={problem ?? quotes.error} onRetry={quotes.error ? quotes.reload : undefined} />
      {quotes.data && visible.length === 0 && <p className="muted">{t('noQuotesYet')}</p>}
      <div className="compare" data-testid="quote-compare">
        {visible.map((quote) => (
          <article key={quote.id} className={`quote card${quote.status === 'accepted' ? ' chosen' : ''}`} data-testid="quote-card" data-quote-id={quote.id}>
            <header>
              <strong>{quote.dealershipName}</strong>
              {quote.priceKrw === lowest && <span className="badge lowest">{t('lowestPrice')}</span>}
            </header>
            <p className="price big" data-testid="quote-price">
              {formatKrw(quote.priceKrw)}
            </p>
            <dl className="facts">
              <dt>{t('discount')}</dt>
              <dd>{formatKrw(quote.discountKrw)}</dd>
              <dt>{t('conditions')}</dt>
              <dd>{quote.conditions || t('none')}</dd>
              <dt>{t('validUntil')}</dt>
              <dd>{formatDate(quote.validUntil, language)}</dd>
              <dt>{t(`quoteStatus_${quote.status}`)}</dt>
              <dd>{t('revision', { revision: quote.revision })}</dd>
            </dl>
            {current.status === 'open' && quote.status === 'active' && (
              <button type="button" disabled={busy} onClick={() => accept(quote)} data-testid="accept-quote">
                {t('accept')}
              </button>
            )}
          </article>
        ))}
      </div>
    </section>
  );
}
