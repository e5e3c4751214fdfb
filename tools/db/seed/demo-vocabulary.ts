/**
 * The words and weights that make the demo data look like the Korean market: who lives where,
 * which models sell, when people shop, what they write. Plausible, not official statistics.
 */
import type { PaymentMethod, PurchaseTiming, RegionCode } from '@chucar/domain';

/** Share of the population (and so of customers and requests), in percent. */
export const REGION_POPULATION: Readonly<Record<RegionCode, number>> = {
  gyeonggi: 26.5,
  seoul: 18.2,
  busan: 6.4,
  gyeongnam: 6.2,
  incheon: 5.8,
  gyeongbuk: 5.0,
  daegu: 4.6,
  chungnam: 4.2,
  jeonnam: 3.5,
  jeonbuk: 3.4,
  chungbuk: 3.1,
  gangwon: 2.9,
  daejeon: 2.8,
  gwangju: 2.8,
  ulsan: 2.1,
  jeju: 1.3,
  sejong: 0.8,
};

/** Dealers cluster where the big showrooms are, even more than the population does. */
export const DEALER_HOME_BOOST: Partial<Record<RegionCode, number>> = { seoul: 1.6, gyeonggi: 1.3, busan: 1.4 };

/** Regions a dealer also serves, nearest first. */
export const NEIGHBOURING_REGIONS: Readonly<Record<RegionCode, readonly RegionCode[]>> = {
  seoul: ['gyeonggi', 'incheon'],
  gyeonggi: ['seoul', 'incheon', 'gangwon', 'chungbuk'],
  incheon: ['seoul', 'gyeonggi'],
  busan: ['gyeongnam', 'ulsan'],
  ulsan: ['busan', 'gyeongnam', 'gyeongbuk'],
  gyeongnam: ['busan', 'ulsan', 'gyeongbuk'],
  daegu: ['gyeongbuk', 'gyeongnam'],
  gyeongbuk: ['daegu', 'ulsan'],
  daejeon: ['sejong', 'chungnam', 'chungbuk'],
  sejong: ['daejeon', 'chungnam', 'chungbuk'],
  chungnam: ['daejeon', 'sejong', 'gyeonggi'],
  chungbuk: ['daejeon', 'sejong', 'gyeonggi'],
  gwangju: ['jeonnam', 'jeonbuk'],
  jeonnam: ['gwangju', 'jeonbuk'],
  jeonbuk: ['gwangju', 'jeonnam', 'chungnam'],
  gangwon: ['gyeonggi', 'chungbuk'],
  jeju: ['jeonnam'],
};

export const DEALER_DISTRICTS: Readonly<Record<RegionCode, readonly string[]>> = {
  seoul: ['강남', '서초', '송파', '강서', '마포', '영등포', '노원', '성동', '동대문', '은평', '구로', '용산'],
  gyeonggi: ['수원', '성남', '분당', '일산', '용인', '부천', '안양', '화성', '평택', '의정부', '김포', '하남'],
  incheon: ['송도', '부평', '연수', '남동'],
  busan: ['해운대', '서면', '사상', '동래', '수영', '센텀'],
  ulsan: ['남구', '삼산', '울주'],
  gyeongnam: ['창원', '김해', '진주', '양산'],
  daegu: ['수성', '달서', '동대구'],
  gyeongbuk: ['포항', '구미', '경주', '안동'],
  daejeon: ['둔산', '유성'],
  sejong: ['세종'],
  chungnam: ['천안', '아산', '서산'],
  chungbuk: ['청주', '충주'],
  gwangju: ['상무', '첨단'],
  jeonnam: ['순천', '여수', '목포'],
  jeonbuk: ['전주', '군산', '익산'],
  gangwon: ['춘천', '원주', '강릉'],
  jeju: ['제주', '서귀포'],
};

export const DEALERSHIP_BRANDS: readonly string[] = [
  '한빛모터스', '대한오토', '드림카', '스마트오토', '제일모터스', '미래자동차', '오토플러스', '카라인',
  '그린모터스', '하나오토', '씨티모터스', '프라임오토', '스타모터스', '굿딜카', '카마스터', '오토갤러리',
  '베스트카', '모터원', '신속출고', '바른견적',
];
export const DEALERSHIP_KINDS: readonly string[] = ['점', '지점', '전시장', '센터'];

/** Surnames with their rough share, and given names; each with a romanisation for e-mails. */
export const SURNAMES: readonly (readonly [hangul: string, roman: string, weight: number])[] = [
  ['김', 'kim', 21.5], ['이', 'lee', 14.7], ['박', 'park', 8.4], ['최', 'choi', 4.7], ['정', 'jung', 4.3],
  ['강', 'kang', 2.4], ['조', 'cho', 2.1], ['윤', 'yoon', 2.1], ['장', 'jang', 2.0], ['임', 'lim', 1.7],
  ['한', 'han', 1.5], ['오', 'oh', 1.5], ['서', 'seo', 1.5], ['신', 'shin', 1.5], ['권', 'kwon', 1.4],
  ['황', 'hwang', 1.4], ['안', 'ahn', 1.3], ['송', 'song', 1.3], ['류', 'ryu', 1.2], ['홍', 'hong', 1.1],
];
export const GIVEN_NAMES: readonly (readonly [hangul: string, roman: string])[] = [
  ['민준', 'minjun'], ['서준', 'seojun'], ['도윤', 'doyoon'], ['예준', 'yejun'], ['시우', 'siwoo'], ['하준', 'hajun'],
  ['지호', 'jiho'], ['주원', 'juwon'], ['지후', 'jihu'], ['준우', 'junwoo'], ['현우', 'hyunwoo'], ['성민', 'seongmin'],
  ['지훈', 'jihoon'], ['동현', 'donghyun'], ['영수', 'youngsoo'], ['상훈', 'sanghoon'], ['재현', 'jaehyun'], ['태양', 'taeyang'],
  ['서연', 'seoyeon'], ['서윤', 'seoyoon'], ['지우', 'jiwoo'], ['서현', 'seohyun'], ['민서', 'minseo'], ['하은', 'haeun'],
  ['하윤', 'hayoon'], ['윤서', 'yoonseo'], ['지유', 'jiyu'], ['채원', 'chaewon'], ['지민', 'jimin'], ['수아', 'sua'],
  ['은지', 'eunji'], ['혜진', 'hyejin'], ['미경', 'mikyung'], ['정희', 'junghee'], ['수진', 'sujin'], ['유진', 'yujin'],
];

/**
 * How often a model is asked about, relative to 1 (unknown models get 1): roughly its share
 * of new-car registrations in Korea.
 */
export const MODEL_POPULARITY: Readonly<Record<string, number>> = {
  sorento: 10, grandeur: 9, carnival: 8, sportage: 8, tucson: 7, avante: 7, 'santa-fe': 6, palisade: 5,
  k5: 5, ray: 5, sonata: 4, k8: 4, casper: 4, g80: 4, 'model-y': 4, 'e-class': 4, '5-series': 4,
  gv80: 3, gv70: 3, ev3: 3, 'trax-crossover': 3, 'grand-koleos': 3, ioniq5: 2, ev6: 2, staria: 2, torres: 2,
  '3-series': 2, 'rexton-sports-khan': 1.5, x3: 1.5, x5: 1.5, 'c-class': 1.5, glc: 1.5, 'model-3': 1.5,
  xc60: 1.5, es: 1.5, g90: 1, trailblazer: 1, actyon: 1, 's-class': 1, xc90: 1, ex30: 1, arkana: 0.8,
  rx: 0.8, nexo: 0.5, colorado: 0.5, scenic: 0.5, eqe: 0.5,
};

/** Demand by calendar month (KST): quiet winter and summer holidays, spring and year-end peaks. */
export const MONTH_FACTOR: readonly number[] = [0.85, 0.82, 1.1, 1.05, 1.05, 1.15, 0.92, 0.85, 1.0, 1.05, 1.1, 1.22];
/** Sunday first: people compare cars at the weekend. */
export const WEEKDAY_FACTOR: readonly number[] = [1.2, 0.95, 0.95, 0.95, 0.95, 0.98, 1.1];
/** Hour of day in KST: lunch break and evening peaks, quiet nights. */
export const HOUR_FACTOR: readonly number[] = [
  0.5, 0.3, 0.15, 0.1, 0.08, 0.1, 0.2, 0.4, 0.7, 0.9, 1.0, 1.1, 1.5, 1.3, 1.0, 1.0, 1.0, 1.0, 1.1, 1.3, 1.6, 1.8, 1.6, 1.0,
];

export const PURCHASE_TIMING_WEIGHTS: readonly (readonly [PurchaseTiming, number])[] = [
  ['this_month', 38], ['within_3_months', 42], ['later', 20],
];
export const DOMESTIC_PAYMENT_WEIGHTS: readonly (readonly [PaymentMethod, number])[] = [
  ['cash', 27], ['installment', 55], ['lease', 18],
];
export const IMPORT_PAYMENT_WEIGHTS: readonly (readonly [PaymentMethod, number])[] = [
  ['cash', 20], ['installment', 38], ['lease', 42],
];

/** What customers sometimes write to the dealers; most requests carry no note. */
export const REQUEST_NOTES: readonly string[] = [
  '빠른 출고 원합니다.',
  '흰색(화이트) 선호합니다.',
  '블랙박스, 썬팅 포함 견적 부탁드립니다.',
  '출퇴근용으로 구매 예정입니다.',
  '기존 차량 보상판매(트레이드인) 가능한가요?',
  '법인 리스 가능할까요?',
  '재고 차량 있으면 바로 계약하겠습니다.',
  '주말에 시승 가능한지 알려주세요.',
  '탁송 포함 가격으로 부탁드립니다.',
  '첫 차라서 자세한 설명 부탁드려요.',
  '가족용으로 알아보고 있습니다. 아이 카시트 장착 예정.',
  '월 납입금 기준으로 비교하고 싶습니다.',
  'Please include tinting and a dashcam.',
  'Looking for the earliest delivery date.',
  'Trade-in: 2017 Avante, about 80,000 km.',
  'Can you quote the monthly lease payment as well?',
  'Prefer a dark grey or black exterior.',
  'English-speaking dealer preferred, thanks!',
];

/** Building blocks of a dealer's conditions text; a quote uses one to three of them. */
export const QUOTE_CONDITIONS: readonly string[] = [
  '전면 썬팅·블랙박스 무상 시공',
  '탁송비 포함',
  '재고 차량 즉시 출고 가능',
  '출고 대기 약 2주',
  '출고 대기 약 4~6주',
  '틴팅·유리막 코팅 서비스',
  '정비 쿠폰 3회 제공',
  '보험 가입 시 추가 혜택',
  '기존 차량 매입 시 시세 보장',
  '현금 결제 시 등록비 지원',
  '하이패스 단말기 무상 장착',
  '첫 엔진오일 교환 무상',
  'Free window tint and dashcam',
  'Delivery included within the region',
];
export const INSTALLMENT_CONDITIONS: readonly string[] = ['36개월 할부 금리 3.9%', '60개월 할부 금리 4.9%', '선수율 30% 무이자 12개월'];
export const LEASE_CONDITIONS: readonly string[] = ['운용리스 48개월, 보증금 30%', '운용리스 36개월, 선납금 없음', '장기렌트 전환 가능'];

/** Makers whose cars are imported: wider discounts and more leasing. */
export function isImport(countryCode: string): boolean {
  return countryCode !== 'KR';
}
