import type { BodyType, CarModel, FuelType, Maker, Trim, TrimOption } from '@chucar/domain';

/** The catalog's own shapes without the ids the database assigns, nested parent → children. */
export type DemoOption = Omit<TrimOption, 'id' | 'trimId'>;
export type DemoTrim = Omit<Trim, 'id' | 'modelId' | 'makerId'> & { options: DemoOption[] };
export type DemoModel = Omit<CarModel, 'id' | 'makerId'> & { trims: DemoTrim[] };
export type DemoMaker = Omit<Maker, 'id'> & { models: DemoModel[] };

type TrimSpec = [code: string, name: string, fuelType: FuelType, listPriceKrw: number, options?: DemoOption[]];

function model(code: string, name: string, nameKo: string, bodyType: BodyType, options: DemoOption[], trims: TrimSpec[]): DemoModel {
  return {
    code,
    name,
    nameKo,
    trims: trims.map(([trimCode, trimName, fuelType, listPriceKrw, trimOptions]) => ({
      code: trimCode,
      name: trimName,
      modelYear: 2026,
      fuelType,
      bodyType,
      listPriceKrw,
      options: trimOptions ?? options,
    })),
  };
}

const option = (code: string, name: string, priceKrw: number): DemoOption => ({ code, name, priceKrw });

const SUNROOF = option('SUNROOF', '선루프', 490_000);
const PANORAMA = option('PANORAMA', '파노라마 선루프', 1_190_000);
const BUILTIN_CAM = option('BUILTIN_CAM', '빌트인 캠 2', 450_000);
const HUD = option('HUD', '헤드업 디스플레이', 690_000);
const PARKING = option('PARK_ASSIST', '주차 보조 패키지', 890_000);
const BOSE = option('BOSE', 'BOSE 프리미엄 사운드', 790_000);
const TOW = option('TOW', '트레일러 토잉 패키지', 500_000);
const HEAT_PUMP = option('HEAT_PUMP', '히트펌프', 1_000_000);
const V2L = option('V2L', '실내 V2L', 200_000);
const MATTE = option('MATTE_PAINT', '매트 외장 컬러', 1_500_000);
const AWD = option('AWD', 'HTRAC 4WD', 2_300_000);
const KIA_AWD = option('AWD', '4WD', 2_200_000);
const DRIVE_WISE = option('DRIVE_WISE', '드라이브 와이즈', 1_290_000);
const MERIDIAN = option('MERIDIAN', '메리디안 사운드', 1_290_000);
const G_SEAT = option('ERGO_SEAT', '에르고 모션 시트 패키지', 1_600_000);
const G_DRIVE = option('HIGHWAY_DRIVING', '드라이빙 어시스턴스 패키지', 1_400_000);
const IMPORT_PKG = option('PREMIUM_PKG', '프리미엄 패키지', 2_500_000);
const IMPORT_SOUND = option('PREMIUM_SOUND', '프리미엄 사운드 시스템', 1_800_000);
const IMPORT_TINT = option('TINT', '전면 썬팅·블랙박스 패키지', 600_000);

/**
 * Demo catalog for the Korean market, model year 2026, list prices in KRW (VAT included,
 * before incentives). Plausible, not official. The seeder inserts it, in order, into an empty
 * catalog; codes are unique per parent, as the tables' unique keys require.
 */
export const demoCatalog: readonly DemoMaker[] = [
  {
    code: 'hyundai',
    name: 'Hyundai',
    nameKo: '현대자동차',
    countryCode: 'KR',
    models: [
      model('avante', 'Avante', '아반떼', 'sedan', [SUNROOF, BUILTIN_CAM, HUD], [
        ['smart-16', '1.6 가솔린 스마트', 'gasoline', 20_340_000, [SUNROOF]],
        ['inspiration-16', '1.6 가솔린 인스퍼레이션', 'gasoline', 28_140_000],
        ['hev-modern', '1.6 하이브리드 모던', 'hybrid', 27_850_000],
      ]),
      model('sonata', 'Sonata The Edge', '쏘나타 디 엣지', 'sedan', [SUNROOF, BUILTIN_CAM, PARKING, BOSE], [
        ['premium-20', '2.0 가솔린 프리미엄', 'gasoline', 28_570_000],
        ['exclusive-20', '2.0 가솔린 익스클루시브', 'gasoline', 32_260_000],
        ['hev-inspiration', '2.0 하이브리드 인스퍼레이션', 'hybrid', 38_770_000],
      ]),
      model('grandeur', 'Grandeur', '그랜저', 'sedan', [PANORAMA, PARKING, BOSE, HUD], [
        ['premium-25', '2.5 가솔린 프리미엄', 'gasoline', 37_980_000],
        ['calligraphy-35', '3.5 가솔린 캘리그래피', 'gasoline', 49_420_000],
        ['hev-exclusive', '1.6T 하이브리드 익스클루시브', 'hybrid', 48_720_000],
      ]),
      model('tucson', 'Tucson', '투싼', 'suv', [PANORAMA, AWD, PARKING], [
        ['modern-16t', '1.6T 가솔린 모던', 'gasoline', 27_710_000],
        ['inspiration-16t', '1.6T 가솔린 인스퍼레이션', 'gasoline', 34_490_000],
        ['hev-premium', '1.6T 하이브리드 프리미엄', 'hybrid', 33_780_000],
      ]),
      model('santa-fe', 'Santa Fe', '싼타페', 'suv', [PANORAMA, AWD, PARKING, BOSE], [
        ['exclusive-25t', '2.5T 가솔린 익스클루시브', 'gasoline', 36_460_000],
        ['prestige-25t', '2.5T 가솔린 프레스티지', 'gasoline', 40_320_000],
        ['hev-calligraphy', '1.6T 하이브리드 캘리그래피', 'hybrid', 48_250_000],
      ]),
      model('palisade', 'Palisade', '팰리세이드', 'suv', [PANORAMA, AWD, PARKING, TOW], [
        ['exclusive-25t', '2.5T 가솔린 익스클루시브 7인승', 'gasoline', 48_950_000],
        ['hev-prestige', '2.5T 하이브리드 프레스티지 9인승', 'hybrid', 60_140_000],
        ['hev-calligraphy', '2.5T 하이브리드 캘리그래피 7인승', 'hybrid', 66_480_000],
      ]),
      model('ioniq5', 'IONIQ 5', '아이오닉 5', 'suv', [HEAT_PUMP, V2L, PARKING, MATTE], [
        ['e-lite', 'E-Lite 2WD', 'electric', 48_750_000, [V2L]],
        ['long-range-prestige', '롱레인지 프레스티지 AWD', 'electric', 60_650_000],
      ]),
      model('casper', 'Casper', '캐스퍼', 'suv', [SUNROOF, BUILTIN_CAM], [
        ['smart', '1.0 가솔린 스마트', 'gasoline', 14_600_000],
        ['electric-inspiration', '일렉트릭 인스퍼레이션', 'electric', 31_500_000, [HEAT_PUMP, V2L]],
      ]),
      model('staria', 'Staria', '스타리아', 'van', [PARKING, BUILTIN_CAM], [
        ['lounge-9', '라운지 9인승 3.5 LPG', 'lpg', 41_680_000],
        ['lounge-hev-7', '라운지 7인승 하이브리드', 'hybrid', 50_190_000],
      ]),
      model('nexo', 'NEXO', '넥쏘', 'suv', [PANORAMA, PARKING], [['prestige', '프레스티지', 'hydrogen', 79_940_000]]),
    ],
  },
  {
    code: 'kia',
    name: 'Kia',
    nameKo: '기아',
    countryCode: 'KR',
    models: [
      model('k5', 'K5', 'K5', 'sedan', [SUNROOF, DRIVE_WISE, BUILTIN_CAM], [
        ['prestige-20', '2.0 가솔린 프레스티지', 'gasoline', 28_240_000],
        ['signature-16t', '1.6T 가솔린 시그니처', 'gasoline', 33_980_000],
        ['hev-noblesse', '2.0 하이브리드 노블레스', 'hybrid', 35_900_000],
      ]),
      model('k8', 'K8', 'K8', 'sedan', [PANORAMA, DRIVE_WISE, MERIDIAN], [
        ['noblesse-25', '2.5 가솔린 노블레스', 'gasoline', 41_500_000],
        ['signature-35', '3.5 가솔린 시그니처', 'gasoline', 47_230_000],
        ['hev-signature', '1.6T 하이브리드 시그니처', 'hybrid', 50_300_000],
      ]),
      model('sportage', 'Sportage', '스포티지', 'suv', [PANORAMA, KIA_AWD, DRIVE_WISE], [
        ['trendy-16t', '1.6T 가솔린 트렌디', 'gasoline', 27_400_000],
        ['signature-16t', '1.6T 가솔린 시그니처', 'gasoline', 35_300_000],
        ['hev-noblesse', '1.6T 하이브리드 노블레스', 'hybrid', 35_500_000],
      ]),
      model('sorento', 'Sorento', '쏘렌토', 'suv', [PANORAMA, KIA_AWD, MERIDIAN, TOW], [
        ['noblesse-25t', '2.5T 가솔린 노블레스', 'gasoline', 40_240_000],
        ['hev-signature', '1.6T 하이브리드 시그니처', 'hybrid', 48_180_000],
      ]),
      model('carnival', 'Carnival', '카니발', 'mpv', [DRIVE_WISE, MERIDIAN, BUILTIN_CAM], [
        ['noblesse-9', '3.5 가솔린 노블레스 9인승', 'gasoline', 42_700_000],
        ['hev-signature-7', '1.6T 하이브리드 시그니처 7인승', 'hybrid', 53_160_000],
      ]),
      model('ev3', 'EV3', 'EV3', 'suv', [HEAT_PUMP, V2L, DRIVE_WISE], [
        ['air-standard', '스탠다드 에어', 'electric', 39_950_000],
        ['earth-long-range', '롱레인지 어스', 'electric', 46_200_000],
      ]),
      model('ev6', 'EV6', 'EV6', 'suv', [HEAT_PUMP, MERIDIAN, DRIVE_WISE], [
        ['light-long-range', '롱레인지 라이트 2WD', 'electric', 51_400_000],
        ['gt-line-awd', '롱레인지 GT-라인 AWD', 'electric', 60_450_000],
      ]),
      model('ray', 'Ray', '레이', 'hatchback', [SUNROOF, DRIVE_WISE], [
        ['trendy', '1.0 가솔린 트렌디', 'gasoline', 14_900_000],
        ['ev-air', 'EV 에어 4인승', 'electric', 27_750_000, [DRIVE_WISE]],
      ]),
    ],
  },
  {
    code: 'genesis',
    name: 'Genesis',
    nameKo: '제네시스',
    countryCode: 'KR',
    models: [
      model('g80', 'G80', 'G80', 'sedan', [PANORAMA, G_SEAT, G_DRIVE, BOSE], [
        ['25t-2wd', '2.5T 2WD', 'gasoline', 59_990_000],
        ['35t-awd', '3.5T AWD', 'gasoline', 67_620_000],
        ['electrified', '전동화 모델 AWD', 'electric', 87_540_000],
      ]),
      model('gv70', 'GV70', 'GV70', 'suv', [PANORAMA, G_SEAT, G_DRIVE], [
        ['25t-2wd', '2.5T 2WD', 'gasoline', 53_180_000],
        ['35t-sport', '3.5T AWD 스포츠 패키지', 'gasoline', 64_440_000],
      ]),
      model('gv80', 'GV80', 'GV80', 'suv', [PANORAMA, G_SEAT, G_DRIVE, TOW], [
        ['25t-awd', '2.5T AWD', 'gasoline', 69_300_000],
        ['35t-awd', '3.5T AWD', 'gasoline', 75_300_000],
      ]),
      model('g90', 'G90', 'G90', 'sedan', [G_SEAT, MATTE], [['35t-awd', '3.5T AWD', 'gasoline', 95_700_000]]),
    ],
  },
  {
    code: 'chevrolet',
    name: 'Chevrolet',
    nameKo: '쉐보레',
    countryCode: 'US',
    models: [
      model('trax-crossover', 'Trax Crossover', '트랙스 크로스오버', 'suv', [SUNROOF, PARKING], [
        ['ls', '1.2T LS', 'gasoline', 21_880_000],
        ['rs', '1.2T RS', 'gasoline', 27_960_000],
      ]),
      model('trailblazer', 'Trailblazer', '트레일블레이저', 'suv', [SUNROOF, PARKING], [
        ['ls', '1.2T LS', 'gasoline', 23_600_000],
        ['rs', '1.3T RS', 'gasoline', 29_950_000],
      ]),
      model('colorado', 'Colorado', '콜로라도', 'pickup', [TOW], [['z71', '2.5T Z71', 'gasoline', 53_100_000]]),
    ],
  },
  {
    code: 'renault-korea',
    name: 'Renault Korea',
    nameKo: '르노코리아',
    countryCode: 'KR',
    models: [
      model('grand-koleos', 'Grand Koleos', '그랑 콜레오스', 'suv', [PANORAMA, BOSE], [
        ['techno-20t', '2.0T 테크노', 'gasoline', 34_950_000],
        ['etech-iconic', 'E-Tech 하이브리드 아이코닉', 'hybrid', 45_770_000],
      ]),
      model('arkana', 'Arkana', '아르카나', 'suv', [SUNROOF], [
        ['techno-13t', '1.3T 테크노', 'gasoline', 25_100_000],
        ['etech-iconic', 'E-Tech 하이브리드 아이코닉', 'hybrid', 33_890_000],
      ]),
      model('scenic', 'Scenic E-Tech', '세닉 E-Tech', 'suv', [HEAT_PUMP, PANORAMA], [
        ['iconic', '일렉트릭 아이코닉', 'electric', 52_900_000],
      ]),
    ],
  },
  {
    code: 'kg-mobility',
    name: 'KG Mobility',
    nameKo: 'KG모빌리티',
    countryCode: 'KR',
    models: [
      model('torres', 'Torres', '토레스', 'suv', [SUNROOF, AWD], [
        ['t5', '1.5T T5', 'gasoline', 30_450_000],
        ['hybrid', '하이브리드', 'hybrid', 36_200_000],
        ['evx-e5', 'EVX E5', 'electric', 47_500_000, [HEAT_PUMP]],
      ]),
      model('actyon', 'Actyon', '액티언', 'suv', [SUNROOF, AWD], [['s8', '1.5T S8', 'gasoline', 34_270_000]]),
      model('rexton-sports-khan', 'Rexton Sports Khan', '렉스턴 스포츠 칸', 'pickup', [TOW], [
        ['prestige', '2.2 디젤 프레스티지', 'diesel', 37_400_000],
      ]),
    ],
  },
  {
    code: 'bmw',
    name: 'BMW',
    nameKo: 'BMW',
    countryCode: 'DE',
    models: [
      model('3-series', '3 Series', '3시리즈', 'sedan', [IMPORT_PKG, IMPORT_TINT], [
        ['320i-m-sport', '320i M 스포츠', 'gasoline', 62_600_000],
        ['330e-m-sport', '330e M 스포츠', 'plug_in_hybrid', 71_900_000],
      ]),
      model('5-series', '5 Series', '5시리즈', 'sedan', [IMPORT_PKG, IMPORT_SOUND, IMPORT_TINT], [
        ['520i', '520i M 스포츠', 'gasoline', 69_900_000],
        ['530e', '530e M 스포츠', 'plug_in_hybrid', 79_400_000],
        ['i5-edrive40', 'i5 eDrive40 M 스포츠', 'electric', 89_900_000],
      ]),
      model('x3', 'X3', 'X3', 'suv', [IMPORT_PKG, IMPORT_TINT], [['20-xdrive', '20 xDrive M 스포츠', 'gasoline', 73_600_000]]),
      model('x5', 'X5', 'X5', 'suv', [IMPORT_PKG, IMPORT_SOUND, IMPORT_TINT], [
        ['xdrive40i', 'xDrive40i M 스포츠', 'gasoline', 117_500_000],
      ]),
    ],
  },
  {
    code: 'mercedes-benz',
    name: 'Mercedes-Benz',
    nameKo: '메르세데스-벤츠',
    countryCode: 'DE',
    models: [
      model('c-class', 'C-Class', 'C-클래스', 'sedan', [IMPORT_PKG, IMPORT_TINT], [
        ['c200-avantgarde', 'C 200 아방가르드', 'gasoline', 64_300_000],
        ['c300-amg-line', 'C 300 4MATIC AMG 라인', 'gasoline', 73_400_000],
      ]),
      model('e-class', 'E-Class', 'E-클래스', 'sedan', [IMPORT_PKG, IMPORT_SOUND, IMPORT_TINT], [
        ['e200-avantgarde', 'E 200 아방가르드', 'gasoline', 70_700_000],
        ['e300-amg-line', 'E 300 4MATIC AMG 라인', 'gasoline', 87_400_000],
      ]),
      model('glc', 'GLC', 'GLC', 'suv', [IMPORT_PKG, IMPORT_TINT], [['glc300-4matic', 'GLC 300 4MATIC', 'gasoline', 79_800_000]]),
      model('eqe', 'EQE', 'EQE', 'sedan', [IMPORT_SOUND, IMPORT_TINT], [['eqe350-plus', 'EQE 350+', 'electric', 103_900_000]]),
      model('s-class', 'S-Class', 'S-클래스', 'sedan', [IMPORT_SOUND], [['s450-4matic', 'S 450 4MATIC', 'gasoline', 149_300_000]]),
    ],
  },
  {
    code: 'tesla',
    name: 'Tesla',
    nameKo: '테슬라',
    countryCode: 'US',
    models: [
      model('model-3', 'Model 3', '모델 3', 'sedan', [option('FSD', 'FSD (감독형)', 9_043_000), IMPORT_TINT], [
        ['rwd', 'RWD', 'electric', 52_990_000],
        ['long-range-awd', '롱레인지 AWD', 'electric', 59_990_000],
      ]),
      model('model-y', 'Model Y', '모델 Y', 'suv', [option('FSD', 'FSD (감독형)', 9_043_000), option('TOW', '견인 히치', 1_500_000)], [
        ['rwd', 'RWD', 'electric', 52_990_000],
        ['long-range-awd', '롱레인지 AWD', 'electric', 62_990_000],
      ]),
    ],
  },
  {
    code: 'volvo',
    name: 'Volvo',
    nameKo: '볼보',
    countryCode: 'SE',
    models: [
      model('xc60', 'XC60', 'XC60', 'suv', [option('BW', 'B&W 사운드', 3_200_000), IMPORT_TINT], [['b5-plus', 'B5 Plus', 'hybrid', 66_900_000]]),
      model('xc90', 'XC90', 'XC90', 'suv', [option('BW', 'B&W 사운드', 3_200_000), IMPORT_TINT], [['b6-ultra', 'B6 Ultra', 'hybrid', 103_700_000]]),
      model('ex30', 'EX30', 'EX30', 'suv', [IMPORT_TINT], [['core', 'Core', 'electric', 47_550_000]]),
    ],
  },
  {
    code: 'lexus',
    name: 'Lexus',
    nameKo: '렉서스',
    countryCode: 'JP',
    models: [
      model('es', 'ES', 'ES', 'sedan', [option('MARK_LEVINSON', '마크레빈슨 사운드', 2_000_000), IMPORT_TINT], [
        ['300h-luxury', 'ES 300h 럭셔리', 'hybrid', 64_350_000],
      ]),
      model('rx', 'RX', 'RX', 'suv', [IMPORT_TINT], [['450h-plus', 'RX 450h+ 럭셔리', 'plug_in_hybrid', 101_100_000]]),
    ],
  },
];
