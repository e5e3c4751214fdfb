/** Names for the generated API shapes the pages pass around (derived from schema.d.ts, never restated). */
import type { paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type QuoteRequest = Json<paths['/v1/quote-requests/{id}']['get']['responses'][200]>;
export type Quote = Json<paths['/v1/quotes/{id}']['get']['responses'][200]>;
export type QuoteRevision = Json<paths['/v1/quotes/{id}/revisions']['get']['responses'][200]>[number];
export type Trim = Json<paths['/v1/catalog/trims']['get']['responses'][200]>[number];
export type TrimDetail = Json<paths['/v1/catalog/trims/{id}']['get']['responses'][200]>;
export type Maker = Json<paths['/v1/catalog/makers']['get']['responses'][200]>[number];
export type Model = Json<paths['/v1/catalog/models']['get']['responses'][200]>[number];
export type Region = Json<paths['/v1/regions']['get']['responses'][200]>[number];
export type RegionCode = Region['code'];
export type MediaView = Json<paths['/v1/media/{id}']['get']['responses'][200]>;
export type NewQuoteRequest = paths['/v1/quote-requests']['post']['requestBody']['content']['application/json'];
export type PurchaseTiming = NewQuoteRequest['purchaseTiming'];
export type PaymentMethod = NewQuoteRequest['paymentMethod'];
