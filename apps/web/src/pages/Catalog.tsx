import { useState } from 'react';
import { useLoad } from '../api/api-context.tsx';
import { unwrap } from '../api/client.ts';
import { Loading, ProblemAlert } from '../components/ProblemAlert.tsx';
import { formatKrw } from '../format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { Link } from '../router.tsx';

export function CatalogPage() {
  const { t } = useI18n();
  const [makerId, setMakerId] = useState<number | undefined>();
  const [modelId, setModelId] = useState<number | undefined>();
  const makers = useLoad((api) => unwrap(api.client.GET('/v1/catalog/makers')), []);
  const models = useLoad((api) => unwrap(api.client.GET('/v1/catalog/models', { params: { query: makerId ? { makerId } : {} } })), [makerId]);
  const trims = useLoad(
    (api) => unwrap(api.client.GET('/v1/catalog/trims', { params: { query: { ...(makerId ? { makerId } : {}), ...(modelId ? { modelId } : {}) } } })),
    [makerId, modelId],
  );
  const modelName = (id: number) => models.data?.find((model) => model.id === id)?.nameKo ?? '';
  const makerName = (id: number) => makers.data?.find((maker) => maker.id === id)?.nameKo ?? '';

  return (
    <section>
      <h1>{t('catalogTitle')}</h1>
      <div className="filters">
        <label>
          {t('maker')}
          <select data-testid="maker-filter" value={makerId ?? ''} onChange={(event) => {
            setMakerId(event.target.value ? Number(event.target.value) : undefined);
            setModelId(undefined);
          }}>
            <option value="">{t('allMakers')}</option>
            {makers.data?.map((maker) => (
              <option key={maker.id} value={maker.id}>
                {maker.nameKo}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('model')}
          <select data-testid="model-filter" value={modelId ?? ''} onChange={(event) => setModelId(event.target.value ? Number(event.target.value) : undefined)}>
            <option value="">{t('allModels')}</option>
            {models.data?.map((model) => (
              <option key={model.id} value={model.id}>
                {model.nameKo}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ProblemAlert problem={makers.error ?? models.error ?? trims.error} onRetry={trims.reload} />
      {trims.loading && !trims.data && <Loading />}
      {trims.data?.length === 0 && <p className="muted">{t('noTrims')}</p>}
      <ul className="cards">
        {trims.data?.map((trim) => (
          <li key={trim.id} className="card" data-testid="trim-card">
            <div className="muted">
              {makerName(trim.makerId)} · {t(`fuel_${trim.fuelType}` as MessageKey)} · {t('modelYear', { year: trim.modelYear })}
            </div>
            <h2>
              {modelName(trim.modelId)} {trim.name}
            </h2>
            <p className="price">
              {t('listPrice')} <strong>{formatKrw(trim.listPriceKrw)}</strong>
            </p>
            <Link className="button" to={`/requests/new?trim=${trim.id}`} data-testid="request-quote">
              {t('requestQuote')}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
