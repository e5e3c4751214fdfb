/**
 * Quote requests and their quotes as plain rows, each one something the domain services
 * could have produced: quotes only from dealers active and serving the region at the time,
 * submitted, revised and withdrawn only while the request was open, priced 1-12 % below the
 * request's list price, valid for days after submission; an accepted request has exactly one
 * accepted quote and every other quote still active at that moment closed, and likewise
 * cancelled and expired requests close their active quotes. Requests whose TTL has passed
 * are stored expired, as the sweep would have left them.
 *
 * Pure and deterministic: request i draws only from its own stream (seed, i), so the rows do
 * not depend on batch size. Instants are offsets from `nowMs`.
 */
import { DEFAULT_REQUEST_TTL_DAYS, REGION_CODES } from '@chucar/domain';
import type { PaymentMethod, PurchaseTiming, RegionCode } from '@chucar/domain';
import {
  DOMESTIC_PAYMENT_WEIGHTS,
  IMPORT_PAYMENT_WEIGHTS,
  INSTALLMENT_CONDITIONS,
  LEASE_CONDITIONS,
  MODEL_POPULARITY,
  PURCHASE_TIMING_WEIGHTS,
  QUOTE_CONDITIONS,
  REGION_POPULATION,
  REQUEST_NOTES,
  isImport,
} from './demo-vocabulary.ts';
import { STREAMS, countAtMost, createRandom, cumulativeSums, upperBound, weightedPicker } from './prng.ts';
import type { Random } from './prng.ts';
import { DAY_MS, HOUR_MS, demandTimeline, stratifiedInstant } from './timeline.ts';
import type { CatalogTrim, RequestBatch, RowOf, SeededCustomers, SeededDealer } from './seed-rows.ts';

export const DISCOUNT_BAND = { min: 0.01, max: 0.12 } as const;
export const MAX_QUOTES_PER_REQUEST = 6;
export const REQUEST_WINDOW_DAYS = 365;

const MINUTE_MS = 60_000;
/** Weights of 0..6 quotes on a request. */
const QUOTE_COUNT_WEIGHTS = [8, 14, 20, 22, 17, 11, 8];
const QUOTE_VALIDITY_DAYS = [3, 7, 7, 7, 14, 14, 30];
const NOTE_SHARE = 0.3;
const REGION_OUTSIDE_HOME_SHARE = 0.1;
const CANCEL_SHARE = 0.08;
const REVISED_SHARE = 0.12;
const WITHDRAWN_SHARE = 0.04;
/** Where the sweep would have been when an expiry passed: it runs every few minutes. */
const SWEEP_LAG_MAX_MS = 15 * MINUTE_MS;

export type RequestsInput = {
  seed: number;
  /** All requests of the run: request i is placed in the i-th slice of the demand curve. */
  requests: number;
  nowMs: number;
  firstRequestId: number;
  catalog: readonly CatalogTrim[];
  customers: SeededCustomers;
  dealers: readonly SeededDealer[];
};

export type RequestGenerator = (startIndex: number, count: number, firstQuoteId: number, firstRevisionId: number) => RequestBatch;

type DealerPool = { ids: number[]; activeSinceMs: Float64Array; cumulativeActivity: Float64Array };

type Terms = { pct: number; atMs: number; validDays: number };
type QuotePlan = {
  dealerId: number;
  submitted: Terms;
  conditions: string;
  revised: Terms | null;
  withdrawnAtMs: number | null;
};

export function createRequestGenerator(input: RequestsInput): RequestGenerator {
  const { seed, nowMs, customers } = input;
  if (input.catalog.length === 0) throw new Error('the catalog is empty: nothing to request');
  if (customers.ids.length === 0) throw new Error('at least one customer is needed');
  const timeline = demandTimeline(nowMs, REQUEST_WINDOW_DAYS);
  const pickTrim = trimPicker(input.catalog);
  const pools = dealerPools(input.dealers);
  const pickRegion = weightedPicker(REGION_CODES.map((code) => [code, REGION_POPULATION[code]] as const));
  const pickQuoteCount = weightedPicker(QUOTE_COUNT_WEIGHTS.map((weight, count) => [count, weight] as const));
  const pickTiming = weightedPicker(PURCHASE_TIMING_WEIGHTS);
  const pickDomesticPayment = weightedPicker(DOMESTIC_PAYMENT_WEIGHTS);
  const pickImportPayment = weightedPicker(IMPORT_PAYMENT_WEIGHTS);
  // The demo customer gets a couple of dozen requests, whatever the size of the run.
  const demoCustomerShare = Math.min(0.02, 30 / Math.max(input.requests, 1));

  return (startIndex, count, firstQuoteId, firstRevisionId) => {
    const batch: RequestBatch = { requests: [], options: [], quotes: [], revisions: [], nextQuoteId: firstQuoteId, nextRevisionId: firstRevisionId };
    for (let index = startIndex; index < startIndex + count; index += 1) {
      const random = createRandom(seed, STREAMS.requests, index);
      const createdMs = stratifiedInstant(timeline, index, input.requests, random.next());

      const signedUp = Math.max(1, countAtMost(customers.createdAtMs, createdMs - 10 * MINUTE_MS));
      const customerIndex = random.chance(demoCustomerShare) ? 0 : Math.floor(random.next() * signedUp);
      const home = customers.homeRegions[customerIndex] ?? 'seoul';
      const region = random.chance(REGION_OUTSIDE_HOME_SHARE) ? pickRegion(random) : home;

      const trim = pickTrim(random);
      const options = trim.options.filter((option) => random.chance(optionTakeRate(option.priceKrw)));
      const listPriceKrw = trim.listPriceKrw + options.reduce((sum, option) => sum + option.priceKrw, 0);
      const purchaseTiming = pickTiming(random);
      const paymentMethod = isImport(trim.countryCode) ? pickImportPayment(random) : pickDomesticPayment(random);
      const note = random.chance(NOTE_SHARE) ? random.pick(REQUEST_NOTES) : null;
      // The gateway's default TTL, so seeded rows are ones the running marketplace could have made.
      const expiresMs = createdMs + DEFAULT_REQUEST_TTL_DAYS * DAY_MS;

      const pool = pools.get(region);
      const eligible = pool ? countAtMost(pool.activeSinceMs, createdMs) : 0;
      const quoteCount = Math.min(pickQuoteCount(random), eligible);
      const plans = pool ? sampleDealers(random, pool, eligible, quoteCount).map((dealerId) => planQuote(random, dealerId, createdMs, trim, paymentMethod)) : [];
      plans.sort((a, b) => a.submitted.atMs - b.submitted.atMs);

      const outcome = decideOutcome(random, { createdMs, expiresMs, nowMs, plans, listPriceKrw, purchaseTiming });
      // Nothing happens to a quote once its request has closed, expired, or in the future.
      const bound = Math.min(outcome.closedAtMs ?? Number.POSITIVE_INFINITY, expiresMs, nowMs);

      const requestId = input.firstRequestId + index;
      let acceptedQuoteId: number | null = null;
      for (const plan of plans) {
        if (plan.submitted.atMs >= bound) continue;
        const quoteId = batch.nextQuoteId;
        batch.nextQuoteId += 1;
        const revised = plan.revised && plan.revised.atMs < bound ? plan.revised : null;
        const withdrawnAtMs = plan.withdrawnAtMs !== null && plan.withdrawnAtMs < bound ? plan.withdrawnAtMs : null;
        const current = revised ?? plan.submitted;
        const accepted = plan === outcome.acceptedPlan;
        if (accepted) acceptedQuoteId = quoteId;
        const [status, updatedAtMs] = accepted
          ? (['accepted', outcome.closedAtMs ?? current.atMs] as const)
          : withdrawnAtMs !== null
            ? (['withdrawn', withdrawnAtMs] as const)
            : outcome.closedAtMs !== null
              ? (['closed', outcome.closedAtMs] as const)
              : (['active', current.atMs] as const);
        const currentTerms = termsRow(current, listPriceKrw, plan.conditions);
        batch.quotes.push({
          id: quoteId,
          request_id: requestId,
          dealer_id: plan.dealerId,
          ...currentTerms,
          status,
          revision: revised ? 2 : 1,
          created_at: new Date(plan.submitted.atMs),
          updated_at: new Date(updatedAtMs),
        });
        for (const [revision, terms] of revised ? ([[1, plan.submitted], [2, revised]] as const) : ([[1, plan.submitted]] as const)) {
          batch.revisions.push({
            id: batch.nextRevisionId,
            quote_id: quoteId,
            revision,
            ...termsRow(terms, listPriceKrw, plan.conditions),
            created_at: new Date(terms.atMs),
          });
          batch.nextRevisionId += 1;
        }
      }

      batch.requests.push({
        id: requestId,
        customer_id: customers.ids[customerIndex] ?? 0,
        maker_id: trim.makerId,
        model_id: trim.modelId,
        trim_id: trim.trimId,
        region,
        purchase_timing: purchaseTiming,
        payment_method: paymentMethod,
        note,
        list_price_krw: listPriceKrw,
        status: outcome.status,
        expires_at: new Date(expiresMs),
        accepted_quote_id: acceptedQuoteId,
        closed_at: outcome.closedAtMs === null ? null : new Date(outcome.closedAtMs),
        created_at: new Date(createdMs),
        updated_at: new Date(outcome.closedAtMs ?? createdMs),
      });
      for (const option of options) {
        batch.options.push({ request_id: requestId, option_code: option.code, option_name: option.name, price_krw: option.priceKrw });
      }
    }
    return batch;
  };
}

/** Cheap options are ticked often, expensive packages less. */
function optionTakeRate(priceKrw: number): number {
  if (priceKrw <= 600_000) return 0.5;
  if (priceKrw <= 1_500_000) return 0.35;
  return 0.22;
}

function trimPicker(catalog: readonly CatalogTrim[]): (random: Random) => CatalogTrim {
  const byModel = new Map<number, CatalogTrim[]>();
  for (const trim of catalog) {
    const trims = byModel.get(trim.modelId) ?? [];
    trims.push(trim);
    byModel.set(trim.modelId, trims);
  }
  const pickModel = weightedPicker([...byModel.values()].map((trims) => [trims, MODEL_POPULARITY[trims[0]?.modelCode ?? ''] ?? 1] as const));
  return (random) => random.pick(pickModel(random));
}

/** Per region, the active dealers serving it in order of approval, with their running activity. */
function dealerPools(dealers: readonly SeededDealer[]): Map<RegionCode, DealerPool> {
  const pools = new Map<RegionCode, DealerPool>();
  const active = dealers
    .filter((dealer): dealer is SeededDealer & { activeSinceMs: number } => dealer.status === 'active' && dealer.activeSinceMs !== null)
    .sort((a, b) => a.activeSinceMs - b.activeSinceMs || a.id - b.id);
  for (const region of REGION_CODES) {
    const serving = active.filter((dealer) => dealer.regions.includes(region));
    pools.set(region, {
      ids: serving.map((dealer) => dealer.id),
      activeSinceMs: Float64Array.from(serving.map((dealer) => dealer.activeSinceMs)),
      cumulativeActivity: cumulativeSums(serving.map((dealer) => dealer.activity)),
    });
  }
  return pools;
}

/** `count` distinct dealers among the first `eligible` of the pool, busier dealers likelier. */
function sampleDealers(random: Random, pool: DealerPool, eligible: number, count: number): number[] {
  if (count <= 0) return [];
  if (eligible <= count) return pool.ids.slice(0, eligible);
  const total = pool.cumulativeActivity[eligible - 1] ?? 0;
  const chosen = new Set<number>();
  for (let attempt = 0; chosen.size < count && attempt < 20 * count; attempt += 1) {
    chosen.add(upperBound(pool.cumulativeActivity, random.next() * total, eligible));
  }
  return [...chosen].map((index) => pool.ids[index] ?? 0);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function planQuote(random: Random, dealerId: number, requestCreatedMs: number, trim: CatalogTrim, paymentMethod: PaymentMethod): QuotePlan {
  // Domestic brands discount little; imports more. Triangular inside the brand's band.
  const [low, high] = isImport(trim.countryCode) ? [0.03, DISCOUNT_BAND.max] : [DISCOUNT_BAND.min, 0.07];
  const pct = low + (high - low) * ((random.next() + random.next()) / 2);
  const responseMs = clamp(random.logNormal(4 * HOUR_MS, 1.4), 3 * MINUTE_MS, 12 * DAY_MS);
  const submitted: Terms = { pct, atMs: requestCreatedMs + Math.floor(responseMs), validDays: random.pick(QUOTE_VALIDITY_DAYS) };

  const phrases = new Set<string>();
  const phraseCount = random.int(1, 3);
  while (phrases.size < phraseCount) phrases.add(random.pick(QUOTE_CONDITIONS));
  if (paymentMethod === 'installment' && random.chance(0.6)) phrases.add(random.pick(INSTALLMENT_CONDITIONS));
  if (paymentMethod === 'lease' && random.chance(0.6)) phrases.add(random.pick(LEASE_CONDITIONS));

  const revised: Terms | null = random.chance(REVISED_SHARE)
    ? {
        pct: Math.min(pct + random.between(0.003, 0.02), DISCOUNT_BAND.max),
        atMs: submitted.atMs + Math.floor(clamp(random.logNormal(10 * HOUR_MS, 1), 15 * MINUTE_MS, 5 * DAY_MS)),
        validDays: random.pick(QUOTE_VALIDITY_DAYS),
      }
    : null;
  const withdrawnAtMs = random.chance(WITHDRAWN_SHARE)
    ? (revised ?? submitted).atMs + Math.floor(clamp(random.logNormal(DAY_MS, 1), 30 * MINUTE_MS, 6 * DAY_MS))
    : null;
  return { dealerId, submitted, conditions: [...phrases].join(' / '), revised, withdrawnAtMs };
}

/** Whole 10,000 KRW steps, never outside the 1-12 % band. */
export function discountKrw(listPriceKrw: number, pct: number): number {
  const step = 10_000;
  const min = Math.ceil((listPriceKrw * DISCOUNT_BAND.min) / step) * step;
  const max = Math.floor((listPriceKrw * DISCOUNT_BAND.max) / step) * step;
  return clamp(Math.round((listPriceKrw * pct) / step) * step, min, max);
}

function termsRow(terms: Terms, listPriceKrw: number, conditions: string) {
  const discount = discountKrw(listPriceKrw, terms.pct);
  return {
    price_krw: listPriceKrw - discount,
    discount_krw: discount,
    conditions,
    valid_until: new Date(terms.atMs + terms.validDays * DAY_MS),
  };
}

type Outcome = {
  status: RowOf<'quote_requests'>['status'];
  closedAtMs: number | null;
  acceptedPlan: QuotePlan | null;
};

type OutcomeInput = {
  createdMs: number;
  expiresMs: number;
  nowMs: number;
  plans: readonly QuotePlan[];
  listPriceKrw: number;
  purchaseTiming: PurchaseTiming;
};

function decideOutcome(random: Random, input: OutcomeInput): Outcome {
  const { createdMs, expiresMs, nowMs, plans } = input;
  const urgency = input.purchaseTiming === 'this_month' ? 1.25 : input.purchaseTiming === 'later' ? 0.6 : 1;
  const acceptChance = Math.min(0.1 + 0.075 * plans.length, 0.6) * urgency;
  const roll = random.next();
  const lastOpenMs = expiresMs - MINUTE_MS;

  if (roll < acceptChance) {
    const acceptedAtMs = createdMs + Math.floor(clamp(random.logNormal(3 * DAY_MS, 0.8), 30 * MINUTE_MS, lastOpenMs - createdMs));
    if (acceptedAtMs < nowMs) {
      const acceptable = plans.filter((plan) => isAcceptableAt(plan, acceptedAtMs));
      if (acceptable.length > 0) {
        const discount = (plan: QuotePlan) => discountKrw(input.listPriceKrw, termsAt(plan, acceptedAtMs).pct);
        const cheapest = acceptable.reduce((best, plan) => (discount(plan) > discount(best) ? plan : best));
        const acceptedPlan = random.chance(0.55) ? cheapest : random.pick(acceptable);
        return { status: 'accepted', closedAtMs: acceptedAtMs, acceptedPlan };
      }
    }
  } else if (roll < acceptChance + CANCEL_SHARE) {
    const cancelledAtMs = createdMs + Math.floor(clamp(random.logNormal(2 * DAY_MS, 1), 10 * MINUTE_MS, lastOpenMs - createdMs));
    if (cancelledAtMs < nowMs) return { status: 'cancelled', closedAtMs: cancelledAtMs, acceptedPlan: null };
  }
  if (expiresMs <= nowMs) {
    return { status: 'expired', closedAtMs: Math.min(expiresMs + Math.floor(random.next() * SWEEP_LAG_MAX_MS), nowMs), acceptedPlan: null };
  }
  return { status: 'open', closedAtMs: null, acceptedPlan: null };
}

function termsAt(plan: QuotePlan, atMs: number): Terms {
  return plan.revised && plan.revised.atMs < atMs ? plan.revised : plan.submitted;
}

/** Submitted before `atMs`, not withdrawn by then, and still valid: what acceptQuote allows. */
function isAcceptableAt(plan: QuotePlan, atMs: number): boolean {
  if (plan.submitted.atMs >= atMs) return false;
  if (plan.withdrawnAtMs !== null && plan.withdrawnAtMs < atMs) return false;
  const terms = termsAt(plan, atMs);
  return terms.atMs + terms.validDays * DAY_MS > atMs;
}
