import { useState, type FormEvent } from 'react';
import { asProblem, useApi, useLoad, useSession } from '../api/api-context.tsx';
import { unwrap } from '../api/client.ts';
import { useIdempotencyKey } from '../api/idempotency.ts';
import type { ApiProblem } from '../api/problem.ts';
import type { Quote } from '../api/types.ts';
import { MediaThumb } from '../components/MediaThumb.tsx';
import { Loading, ProblemAlert } from '../components/ProblemAlert.tsx';
import { carName, loadCatalogNames, regionName } from '../catalog.ts';
import { formatDate, formatKrw, koreanDay } from '../format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { RequestPhotos, RequestSummary, StatusBadge } from './Requests.tsx';

/** Open requests in the dealer's regions (the API decides which ones a dealer may see). */
export function DealerRequestsPage() {
  const { t, language } = useI18n();
  const session = useSession();
  const names = useLoad(loadCatalogNames, []);
  const requests = useLoad((api) => unwrap(api.client.GET('/v1/quote-requests', { params: { query: { status: 'open', limit: 50 } } })), []);
  const mine = useLoad((api) => unwrap(api.client.GET('/v1/quotes', { params: { query: { limit: 100 } } })), []);
  const quoted = new Set(mine.data?.items.map((quote) => quote.requestId));

  return (
    <section>
      <h1>{t('dealerRequestsTitle')}</h1>
      {session?.account.status === 'pending_review' && <p className="notice">{t('dealerPendingNotice')}</p>}
      <ProblemAlert problem={requests.error} onRetry={requests.reload} />
      {requests.loading && !requests.data && <Loading />}
      {requests.data?.items.length === 0 && <p className="muted">{t('noOpenRequests')}</p>}
      <ul className="cards">
        {requests.data?.items.map((request) => (
          <li key={request.id} className="card" data-testid="dealer-request-card" data-request-id={request.id}>
            <Link to={`/dealer/requests/${request.id}`} className="with-thumb">
              {request.attachmentIds[0] && <MediaThumb mediaId={request.attachmentIds[0]} alt={t('photos')} />}
              <span>
              <strong>{t('requestNumber', { id: request.id })}</strong> {quoted.has(request.id) && <span className="badge">{t('alreadyQuoted')}</span>}
              <div>{carName(names.data, request)}</div>
              <small className="muted">
                {regionName(names.data, request.region, language)} · {formatKrw(request.listPriceKrw)} · {t('expiresAt')} {formatDate(request.expiresAt, language)}
                {request.attachmentIds.length > 0 && ` · ${t('photos')} ${request.attachmentIds.length}`}
              </small>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One request with its photos, and the dealer's own quote on it: sent once, revised after. */
export function DealerRequestPage({ id }: { id: number }) {
  const api = useApi();
  const { t } = useI18n();
  const names = useLoad(loadCatalogNames, []);
  const request = useLoad((client) => unwrap(client.client.GET('/v1/quote-requests/{id}', { params: { path: { id } } })), [id]);
  const mine = useLoad((client) => unwrap(client.client.GET('/v1/quotes', { params: { query: { requestId: id, limit: 10 } } })), [id]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idempotency = useIdempotencyKey();

  if (request.error) return <ProblemAlert problem={request.error} onRetry={request.reload} />;
  if (!request.data) return <Loading />;
  const current = request.data;
  const quote: Quote | undefined = mine.data?.items.find((item) => item.status !== 'withdrawn');

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      priceKrw: Number(form.get('priceKrw')),
      conditions: String(form.get('conditions') ?? ''),
      validUntil: new Date(`${String(form.get('validUntil'))}T23:59:59+09:00`).toISOString(),
    };
    setBusy(true);
    setProblem(null);
    setNotice(null);
    const header = { 'idempotency-key': idempotency.key };
    try {
      if (quote) {
        const revised = await unwrap(api.client.PATCH('/v1/quotes/{id}', { params: { path: { id: quote.id }, header }, body }));
        setNotice(t('quoteRevised', { revision: revised.revision }));
      } else {
        await unwrap(api.client.POST('/v1/quote-requests/{id}/quotes', { params: { path: { id }, header }, body }));
        setNotice(t('quoteSubmitted'));
      }
      idempotency.settle();
      mine.reload();
    } catch (error) {
      idempotency.settle(error);
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  const validUntilDefault = quote ? koreanDay(0, new Date(quote.validUntil)) : koreanDay(-7);
  return (
    <section>
      <div className="card">
        <h1>
          {t('requestTitle', { id })} <StatusBadge status={current.status} />
        </h1>
        <h2>{carName(names.data, current)}</h2>
        <RequestSummary request={current} names={names.data} />
        <RequestPhotos request={current} />
      </div>
      <div className="card">
        <h2>{t('yourQuote')}</h2>
        {quote && (
          <p data-testid="my-quote">
            <strong>{formatKrw(quote.priceKrw)}</strong> · {t(`quoteStatus_${quote.status}`)} · {t('revision', { revision: quote.revision })}
          </p>
        )}
        {notice && (
          <p className="notice" role="status" data-testid="notice">
            {notice}
          </p>
        )}
        <ProblemAlert problem={problem ?? mine.error} />
        {current.status === 'open' && (!quote || quote.status === 'active') && (
          // Keyed by revision, so the form shows the stored values again after each save.
          <form key={`${quote?.id ?? 'new'}-${quote?.revision ?? 0}`} onSubmit={submit}>
            <label>
              {t('priceKrw')}
              <input name="priceKrw" type="number" inputMode="numeric" min={1} step={1} required defaultValue={quote?.priceKrw ?? current.listPriceKrw} data-testid="quote-price-input" />
            </label>
            <label>
              {t('conditions')}
              <textarea name="conditions" rows={2} maxLength={1000} defaultValue={quote?.conditions ?? ''} />
            </label>
            <label>
              {t('validUntil')}
              <input name="validUntil" type="date" required defaultValue={validUntilDefault} />
            </label>
            <button type="submit" disabled={busy} data-testid="save-quote">
              {quote ? t('reviseQuote') : t('submitQuote')}
            </button>
          </form>
        )}
      </div>
    </section>
  );
}

export function DealerQuotesPage() {
  const { t, language } = useI18n();
  const quotes = useLoad((api) => unwrap(api.client.GET('/v1/quotes', { params: { query: { limit: 100 } } })), []);
  return (
    <section>
      <h1>{t('myQuotesTitle')}</h1>
      <ProblemAlert problem={quotes.error} onRetry={quotes.reload} />
      {quotes.loading && !quotes.data && <Loading />}
      {quotes.data?.items.length === 0 && <p className="muted">{t('noMyQuotes')}</p>}
      <ul className="cards">
        {quotes.data?.items.map((quote) => (
          <li key={quote.id} className="card">
            <Link to={`/dealer/requests/${quote.requestId}`}>
              <strong>{t('requestNumber', { id: quote.requestId })}</strong> · {t(`quoteStatus_${quote.status}`)}
              <div className="price">{formatKrw(quote.priceKrw)}</div>
              <small className="muted">
                {t('revision', { revision: quote.revision })} · {t('validUntil')} {formatDate(quote.validUntil, language)}
              </small>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
