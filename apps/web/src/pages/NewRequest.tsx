import { useCallback, useState, type FormEvent } from 'react';
import { asProblem, useApi, useLoad } from '../api/api-context.tsx';
import { unwrap } from '../api/client.ts';
import { useIdempotencyKey } from '../api/idempotency.ts';
import type { ApiProblem } from '../api/problem.ts';
import type { PaymentMethod, PurchaseTiming, RegionCode } from '../api/types.ts';
import { PhotoUploader, type PhotoState } from '../components/PhotoUploader.tsx';
import { Loading, ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatKrw } from '../format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate } from '../router.tsx';

const TIMINGS: PurchaseTiming[] = ['this_month', 'within_3_months', 'later'];
const PAYMENTS: PaymentMethod[] = ['cash', 'installment', 'lease'];

export function NewRequestPage({ trimId }: { trimId: number | null }) {
  const api = useApi();
  const { t } = useI18n();
  const trim = useLoad((client) => (trimId ? unwrap(client.client.GET('/v1/catalog/trims/{id}', { params: { path: { id: trimId } } })) : Promise.resolve(null)), [trimId]);
  const regions = useLoad((client) => unwrap(client.client.GET('/v1/regions')), []);
  const [optionCodes, setOptionCodes] = useState<string[]>([]);
  const [photos, setPhotos] = useState<PhotoState>({ mediaIds: [], uploading: false });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const onPhotos = useCallback((state: PhotoState) => setPhotos(state), []);
  const idempotency = useIdempotencyKey();

  if (!trimId) {
    return (
      <section className="card">
        <p>{t('chooseTrimFirst')}</p>
        <Link className="button" to="/catalog">
          {t('nav_catalog')}
        </Link>
      </section>
    );
  }
  if (trim.error) return <ProblemAlert problem={trim.error} onRetry={trim.reload} />;
  if (!trim.data) return <Loading />;
  const detail = trim.data;
  const total = detail.listPriceKrw + detail.options.filter((option) => optionCodes.includes(option.code)).reduce((sum, option) => sum + option.priceKrw, 0);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    try {
      const note = String(form.get('note') ?? '').trim();
      const created = await unwrap(
        api.client.POST('/v1/quote-requests', {
          params: { header: { 'idempotency-key': idempotency.key } },
          body: {
            trimId,
            optionCodes,
            region: String(form.get('region')) as RegionCode,
            purchaseTiming: String(form.get('purchaseTiming')) as PurchaseTiming,
            paymentMethod: String(form.get('paymentMethod')) as PaymentMethod,
            ...(note ? { note } : {}),
            attachmentIds: photos.mediaIds,
          },
        }),
      );
      idempotency.settle();
      navigate(`/requests/${created.id}`);
    } catch (error) {
      idempotency.settle(error);
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <h1>{t('newRequestTitle')}</h1>
      <h2 data-testid="new-request-car">
        {detail.maker.nameKo} {detail.model.nameKo} {detail.name} ({detail.modelYear})
      </h2>
      <form onSubmit={submit}>
        {detail.options.length > 0 && (
          <fieldset className="checks">
            <legend>{t('options')}</legend>
            {detail.options.map((option) => (
              <label key={option.code}>
                <input
                  type="checkbox"
                  checked={optionCodes.includes(option.code)}
                  onChange={(event) => setOptionCodes((codes) => (event.target.checked ? [...codes, option.code] : codes.filter((code) => code !== option.code)))}
                />
                {option.name} <span className="muted">+{formatKrw(option.priceKrw)}</span>
              </label>
            ))}
          </fieldset>
        )}
        <label>
          {t('region')}
          <select name="region" required defaultValue="seoul" data-testid="region">
            {regions.data?.map((region) => (
              <option key={region.code} value={region.code}>
                {region.nameKo}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('purchaseTiming')}
          <select name="purchaseTiming" defaultValue="this_month">
            {TIMINGS.map((timing) => (
              <option key={timing} value={timing}>
                {t(`timing_${timing}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('paymentMethod')}
          <select name="paymentMethod" defaultValue="cash">
            {PAYMENTS.map((payment) => (
              <option key={payment} value={payment}>
                {t(`payment_${payment}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('note')}
          <textarea name="note" rows={3} maxLength={1000} />
        </label>
        <div className="field">
          <span>{t('photos')}</span>
          <small className="muted">{t('photosHint')}</small>
          <PhotoUploader onChange={onPhotos} />
        </div>
        <p className="price">
          {t('totalPrice')} <strong data-testid="total-price">{formatKrw(total)}</strong>
        </p>
        <ProblemAlert problem={problem ?? regions.error} />
        {photos.uploading && <p className="muted">{t('waitForUploads')}</p>}
        <button type="submit" disabled={busy || photos.uploading} data-testid="submit-request">
          {t('submitRequest')}
        </button>
      </form>
    </section>
  );
}
