import type { Actor } from '../actor.ts';
import { requireActiveDealer, requireRole } from '../access.ts';
import { addDays } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { ConflictError, IssueCollector, NotFoundError, ValidationError } from '../errors.ts';
import { canAttach } from '../media/media.rules.ts';
import { toPage, toPageQuery } from '../pagination.ts';
import type { Page, PageRequest } from '../pagination.ts';
import { isRegionCode } from '../regions.ts';
import type { ReadRunner, Repositories, WriteRunner } from '../repositories.ts';
import { canSeeRequest, isOpen, withEffectiveStatus } from './quote-request-rules.ts';
import {
  ATTACHMENT_ID_MAX_LENGTH,
  MAX_ATTACHMENTS,
  NOTE_MAX_LENGTH,
  PAYMENT_METHODS,
  PURCHASE_TIMINGS,
  QUOTE_REQUEST_STATUSES,
} from './quote-requests.types.ts';
import type {
  CreateQuoteRequestInput,
  QuoteRequest,
  QuoteRequestFilter,
  QuoteRequestScope,
  RequestedOption,
} from './quote-requests.types.ts';

/** Defaults for MarketplaceSettings, shared by the gateway's config and the demo seeder. */
export const DEFAULT_REQUEST_TTL_DAYS = 14;
export const MAX_QUOTE_VALIDITY_DAYS = 90;

export type MarketplaceSettings = {
  /** Days an open request stays open before it expires. */
  requestTtlDays: number;
  /** How far ahead a quote's valid-until may lie. */
  maxQuoteValidityDays: number;
  /** Requests expired per sweep transaction. */
  expirySweepBatchSize?: number;
};

export type MarketplaceDeps = {
  reads: ReadRunner;
  writes: WriteRunner;
  clock: Clock;
  settings: MarketplaceSettings;
};

export type QuoteRequestsService = {
  createQuoteRequest(actor: Actor, input: CreateQuoteRequestInput): Promise<QuoteRequest>;
  getQuoteRequest(actor: Actor, requestId: number): Promise<QuoteRequest>;
  listQuoteRequests(actor: Actor, filter?: QuoteRequestFilter, page?: PageRequest): Promise<Page<QuoteRequest>>;
  cancelQuoteRequest(actor: Actor, requestId: number): Promise<QuoteRequest>;
  /** Persists `expired` on overdue open requests and closes their quotes; returns how many expired. */
  expireOverdueRequests(now?: Date): Promise<number>;
};

const DEFAULT_SWEEP_BATCH_SIZE = 500;

export function createQuoteRequests(deps: MarketplaceDeps): QuoteRequestsService {
  const { reads, writes, clock, settings } = deps;

  async function scopeFor(repos: Repositories, actor: Actor): Promise<QuoteRequestScope> {
    switch (actor.role) {
      case 'customer':
        return { kind: 'customer', customerId: actor.accountId };
      case 'dealer': {
        const dealer = await requireActiveDealer(actor, repos.accounts);
        return { kind: 'dealer', dealerId: dealer.id, regions: dealer.regions };
      }
      case 'analyst':
      case 'admin':
        return { kind: 'all' };
    }
  }

  return {
    async createQuoteRequest(actor, input) {
      requireRole(actor, 'customer');
      const trim = await reads.run((repos) => repos.catalog.findTrimDetail(input.trimId));
      const issues = new IssueCollector();
      if (!trim) issues.add('trimId', 'no such trim');

      const optionCodes = input.optionCodes ?? [];
      const options: RequestedOption[] = [];
      if (new Set(optionCodes).size !== optionCodes.length) issues.add('optionCodes', 'must not repeat a code');
      for (const code of new Set(optionCodes)) {
        const option = trim?.options.find((candidate) => candidate.code === code);
        if (option) options.push({ code: option.code, name: option.name, priceKrw: option.priceKrw });
        else if (trim) issues.add('optionCodes', `option ${code} does not belong to this trim`);
      }

      const region = isRegionCode(input.region) ? input.region : undefined;
      const purchaseTiming = isOneOf(PURCHASE_TIMINGS, input.purchaseTiming) ? input.purchaseTiming : undefined;
      const paymentMethod = isOneOf(PAYMENT_METHODS, input.paymentMethod) ? input.paymentMethod : undefined;
      issues.check(region !== undefined, 'region', 'unknown region code');
      issues.check(purchaseTiming !== undefined, 'purchaseTiming', `must be one of ${PURCHASE_TIMINGS.join(', ')}`);
      issues.check(paymentMethod !== undefined, 'paymentMethod', `must be one of ${PAYMENT_METHODS.join(', ')}`);

      const note = input.note?.trim() || null;
      issues.check(note === null || note.length <= NOTE_MAX_LENGTH, 'note', `must be at most ${NOTE_MAX_LENGTH} characters`);

      const attachmentIds = input.attachmentIds ?? [];
      issues.check(attachmentIds.length <= MAX_ATTACHMENTS, 'attachmentIds', `at most ${MAX_ATTACHMENTS} attachments`);
      issues.check(
        attachmentIds.every((id) => id.length > 0 && id.length <= ATTACHMENT_ID_MAX_LENGTH),
        'attachmentIds',
        `each id must be 1 to ${ATTACHMENT_ID_MAX_LENGTH} characters`,
      );
      issues.check(new Set(attachmentIds).size === attachmentIds.length, 'attachmentIds', 'must not repeat an id');
      issues.throwIfAny();
      if (!trim || !region || !purchaseTiming || !paymentMethod) throw new Error('unreachable: validated above');

      const now = clock.now();
      const listPriceKrw = trim.listPriceKrw + options.reduce((sum, option) => sum + option.priceKrw, 0);
      return writes.transaction(async (repos) => {
        await requireAttachable(repos, actor, attachmentIds);
        const id = await repos.quoteRequests.insert({
          customerId: actor.accountId,
          makerId: trim.makerId,
          modelId: trim.modelId,
          trimId: trim.id,
          region,
          purchaseTiming,
          paymentMethod,
          note,
          options,
          attachmentIds,
          listPriceKrw,
          expiresAt: addDays(now, settings.requestTtlDays),
          createdAt: now,
        });
        const created = await repos.quoteRequests.findById(id);
        if (!created) throw new NotFoundError('quote request', id);
        return withEffectiveStatus(created, now);
      });
    },

    getQuoteRequest: (actor, requestId) =>
      reads.run(async (repos) => {
        const dealer = actor.role === 'dealer' ? await requireActiveDealer(actor, repos.accounts) : undefined;
        const request = await repos.quoteRequests.findById(requestId);
        if (!request) throw new NotFoundError('quote request', requestId);
        const now = clock.now();
        const hasQuoted = dealer ? (await repos.quotes.findByRequestAndDealer(requestId, dealer.id)) !== undefined : false;
        if (!canSeeRequest(actor, request, now, dealer && { profile: dealer, hasQuoted })) {
          // Requests outside the caller's view are reported missing so ids reveal nothing.
          throw new NotFoundError('quote request', requestId);
        }
        return withEffectiveStatus(request, now);
      }),

    async listQuoteRequests(actor, filter = {}, page) {
      validateFilter(filter);
      const query = toPageQuery(page);
      const now = clock.now();
      const rows = await reads.run(async (repos) => repos.quoteRequests.list(await scopeFor(repos, actor), filter, query, now));
      return toPage(rows, query, (row) => withEffectiveStatus(row, now));
    },

    async cancelQuoteRequest(actor, requestId) {
      requireRole(actor, 'customer');
      return writes.transaction(async (repos) => {
        const request = await repos.quoteRequests.findByIdForUpdate(requestId);
        if (!request || request.customerId !== actor.accountId) throw new NotFoundError('quote request', requestId);
        const now = clock.now();
        if (!isOpen(request, now)) throw new ConflictError('only an open request can be cancelled', 'request_not_open');
        await repos.quoteRequests.close(requestId, { status: 'cancelled', acceptedQuoteId: null, at: now });
        await repos.quotes.closeActiveForRequests([requestId], null, now);
        const cancelled = await repos.quoteRequests.findById(requestId);
        if (!cancelled) throw new NotFoundError('quote request', requestId);
        return withEffectiveStatus(cancelled, now);
      });
    },

    async expireOverdueRequests(now = clock.now()) {
      const batchSize = settings.expirySweepBatchSize ?? DEFAULT_SWEEP_BATCH_SIZE;
      let total = 0;
      for (;;) {
        const expired = await writes.transaction(async (repos) => {
          const ids = await repos.quoteRequests.expireOverdue(now, batchSize);
          await repos.quotes.closeActiveForRequests(ids, null, now);
          return ids.length;
        });
        total += expired;
        if (expired < batchSize) return total;
      }
    },
  };
}

/**
 * Every attachment must be the customer's own media, neither deleted nor failed. Checked inside the
 * creating transaction under a shared lock on the media rows, so a concurrent delete waits for it.
 */
async function requireAttachable(repos: Repositories, actor: Actor, attachmentIds: readonly string[]): Promise<void> {
  if (attachmentIds.length === 0) return;
  const attachable = new Set((await repos.media.findManyForShare(attachmentIds)).filter((media) => canAttach(actor, media)).map((media) => media.id));
  const refused = attachmentIds.filter((id) => !attachable.has(id));
  if (refused.length > 0) {
    throw ValidationError.single('attachmentIds', `not media of yours that can be attached (unknown, deleted or failed): ${refused.join(', ')}`);
  }
}

function validateFilter(filter: QuoteRequestFilter): void {
  const issues = new IssueCollector();
  if (filter.status !== undefined) {
    issues.check(QUOTE_REQUEST_STATUSES.includes(filter.status), 'status', `must be one of ${QUOTE_REQUEST_STATUSES.join(', ')}`);
  }
  if (filter.region !== undefined) issues.check(isRegionCode(filter.region), 'region', 'unknown region code');
  if (filter.createdFrom && filter.createdTo && filter.createdFrom.getTime() >= filter.createdTo.getTime()) {
    issues.add('createdTo', 'must be after createdFrom');
  }
  issues.throwIfAny();
}

function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}
