import { DEMO_EMAIL_DOMAIN, DemoOrganization, demoCreditCode } from './demo-data';

/**
 * The transfer-loop part of the demo (TRANSFER.md, issue 18): the "1+M+N" service network (a
 * provincial centre, a city and a university sub-centre, a station under each), the routing table, a
 * broker and a registrar, four needs of the demo enterprises (one promoted to a draft list), and a challenge of an earlier year whose
 * project passed its acceptance: its result and the licence contract registered for it. Names and
 * people are invented for the demo; the credit codes carry valid check characters.
 */

const email = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;

export interface DemoCentre {
  key: string;
  name: string;
  creditCode: string;
  regionCode: string;
  /** DemoCentre.key of the parent centre; none for the provincial centre. */
  parent?: string;
}

/** Parents before children (the seed creates them in this order). */
export const DEMO_CENTRES: readonly DemoCentre[] = [
  {
    key: 'province',
    name: '江西省技术转移服务中心',
    creditCode: demoCreditCode('12', '360000', '58216403'),
    regionCode: '360000',
  },
  {
    key: 'nanchang',
    name: '南昌市技术转移服务分中心',
    creditCode: demoCreditCode('12', '360100', '58216411'),
    regionCode: '360100',
    parent: 'province',
  },
  {
    key: 'ncu-ttc',
    name: '南昌大学技术转移分中心',
    creditCode: demoCreditCode('12', '360100', '58216420'),
    regionCode: '360100',
    parent: 'province',
  },
  {
    key: 'honggutan',
    name: '南昌市红谷滩区技术转移服务站',
    creditCode: demoCreditCode('12', '360113', '58216438'),
    regionCode: '360113',
    parent: 'nanchang',
  },
  {
    key: 'qianhu',
    name: '南昌大学前湖校区技术转移工作站',
    creditCode: demoCreditCode('12', '360100', '58216446'),
    regionCode: '360100',
    parent: 'ncu-ttc',
  },
];

/** Region (+ chain) → centre; a need from elsewhere goes to the provincial centre (ADR 0058). */
export const DEMO_NEED_ROUTES: ReadonlyArray<{ regionCode: string; industryChain?: string; centre: string }> =
  [
    { regionCode: '360100', centre: 'nanchang' },
    { regionCode: '360113', centre: 'honggutan' },
    { regionCode: '360100', industryChain: 'electronic_information', centre: 'ncu-ttc' },
  ];

export interface DemoCentreUser {
  centre: DemoCentre['key'];
  email: string;
  displayName: string;
  role: 'broker' | 'registrar';
}

export const DEMO_BROKER: DemoCentreUser & {
  profile: { industryChains: string[]; keywords: string[]; regionCode: string; certificateNumber: string };
} = {
  centre: 'nanchang',
  email: email('broker'),
  displayName: '涂海燕（技术经纪人）',
  role: 'broker',
  profile: {
    industryChains: ['new_energy_vehicles', 'traditional_chinese_medicine', 'optoelectronics_led'],
    keywords: ['动力电池', '中药质量控制', '光学镀膜', '成果转化'],
    regionCode: '360100',
    certificateNumber: 'JXJJR-2026-00217',
  },
};

export const DEMO_REGISTRAR: DemoCentreUser = {
  centre: 'province',
  email: email('registrar'),
  displayName: '邓文博（技术合同登记处）',
  role: 'registrar',
};

export type DemoNeedStage = 'submitted' | 'diagnosing' | 'refined' | 'listed';

export interface DemoNeed {
  key: string;
  enterprise: DemoOrganization['key'];
  stage: DemoNeedStage;
  body: {
    title: string;
    publicSummary: string;
    confidentialDetails?: string;
    industryChain: string;
    desiredOutcome: string;
    budgetMinFen: number;
    budgetMaxFen: number;
    deadlineWish?: string;
    anonymous: boolean;
  };
  /** The broker's diagnosis (stages diagnosing and refined). */
  diagnosis?: {
    realProblem: string;
    trlNeeded: number;
    indicators: Array<{ name: string; targetValue: string; unit: string; verificationMethod: string }>;
  };
  /** The broker's refined public summary (stages refined and listed). */
  refinedSummary?: string;
  /**
   * Stage listed: the broker promotes the refined need to a draft challenge list of the enterprise in
   * the demo program, opening in `opensInDays` days (09:00 Beijing time) for `windowDays` days.
   */
  promotion?: { durationMonths: number; fiscalFen: number; opensInDays: number; windowDays: number };
}

export const DEMO_NEEDS: readonly DemoNeed[] = [
  {
    key: 'tcm-consistency',
    enterprise: 'tcm',
    stage: 'refined',
    body: {
      title: '中药配方颗粒批间质量一致性在线检测技术需求',
      publicSummary:
        '某中药企业配方颗粒产能快速扩大，现有离线抽检方式难以及时发现批间差异，' +
        '希望引入近红外等过程分析技术，实现提取、浓缩、干燥关键工序的在线监测与放行。',
      confidentialDetails:
        '涉及我公司独家品种“杏林清肺颗粒”等12个品种，现有批间指纹图谱相似度波动在0.90～0.97之间；' +
        '浓缩工序出膏率差异最大达8%。拟投资的在线检测产线位于新建园区二期车间。',
      industryChain: 'traditional_chinese_medicine',
      desiredOutcome: '建立3个以上关键工序的在线检测模型并在生产线上稳定运行，形成企业内控标准。',
      budgetMinFen: 1_500_000_00,
      budgetMaxFen: 3_000_000_00,
      deadlineWish: '2028-06-30',
      anonymous: true,
    },
    diagnosis: {
      realProblem:
        '根本问题不在检测仪器，而在缺少覆盖药材产地差异的定量校正模型：需建立多品种近红外光谱模型与' +
        '过程控制策略，并与现有MES系统对接。',
      trlNeeded: 6,
      indicators: [
        {
          name: '关键质量属性在线预测误差',
          targetValue: '≤5',
          unit: '%',
          verificationMethod: '与高效液相色谱离线检测结果比对，连续30批',
        },
        {
          name: '批间指纹图谱相似度',
          targetValue: '≥0.95',
          unit: '',
          verificationMethod: '按《中药配方颗粒质量控制与标准制定技术要求》检测',
        },
      ],
    },
    refinedSummary:
      '一家江西中药企业需要配方颗粒生产过程的在线质量检测能力：建立多品种近红外定量校正模型，' +
      '覆盖提取、浓缩、干燥工序，实现过程放行，并与生产执行系统对接。欢迎高校院所和过程分析技术企业对接。',
  },
  {
    key: 'nev-thermal',
    enterprise: 'nev',
    stage: 'listed',
    body: {
      title: '纯电动轻型商用车热泵空调与电池热管理集成技术需求',
      publicSummary:
        '我公司纯电动轻客在-10℃以下工况空调制热能耗高，冬季续驶里程下降明显，' +
        '寻求热泵空调与动力电池、电驱余热回收的一体化热管理方案及控制策略。',
      industryChain: 'new_energy_vehicles',
      desiredOutcome: '完成整车集成热管理系统样机装车验证，冬季综合工况续驶里程提升15%以上。',
      budgetMinFen: 2_000_000_00,
      budgetMaxFen: 5_000_000_00,
      deadlineWish: '2028-12-31',
      anonymous: false,
    },
    diagnosis: {
      realProblem:
        '低温下热泵制热能力不足与电池预热需求叠加，缺少以余热回收为核心的多热源协同控制；需开发' +
        '集成式热管理模块与整车能量管理策略。',
      trlNeeded: 7,
      indicators: [
        {
          name: '-10℃制热性能系数COP',
          targetValue: '≥2.0',
          unit: '',
          verificationMethod: '环境舱台架试验',
        },
        {
          name: '冬季综合工况续驶里程提升',
          targetValue: '≥15',
          unit: '%',
          verificationMethod: '第三方检测机构整车低温续驶试验',
        },
      ],
    },
    promotion: { durationMonths: 24, fiscalFen: 1_500_000_00, opensInDays: 21, windowDays: 45 },
  },
  {
    key: 'optics-coating',
    enterprise: 'optics',
    stage: 'diagnosing',
    body: {
      title: '车载激光雷达窗口片防雾疏水复合镀膜技术需求',
      publicSummary:
        '车载激光雷达窗口片在雨雾、低温环境下易结雾挂水，导致点云质量下降，' +
        '需要在905nm/1550nm波段高透过的防雾疏水复合镀膜工艺。',
      industryChain: 'optoelectronics_led',
      desiredOutcome: '镀膜窗口片通过整车厂环境可靠性验证并实现小批量供货。',
      budgetMinFen: 800_000_00,
      budgetMaxFen: 1_500_000_00,
      anonymous: false,
    },
    diagnosis: {
      realProblem: '难点在于疏水层与增透膜系的折射率匹配及耐磨耐候，需要膜系设计与等离子体沉积工艺联合攻关。',
      trlNeeded: 5,
      indicators: [
        {
          name: '905nm波段平均透过率',
          targetValue: '≥98',
          unit: '%',
          verificationMethod: '分光光度计检测',
        },
      ],
    },
  },
  {
    key: 'rare-earth-tailings',
    enterprise: 'rare-earth',
    stage: 'submitted',
    body: {
      title: '离子型稀土尾矿生态修复与资源化利用技术需求',
      publicSummary:
        '赣南离子型稀土历史遗留尾矿面积大、土壤酸化严重，希望引进尾矿土壤改良、植被快速恢复' +
        '及残余稀土回收一体化技术。',
      confidentialDetails: '拟实施地块位于龙南市某历史采区，约1200亩，前期检测数据见附件（线下提供）。',
      industryChain: 'rare_earths',
      desiredOutcome: '形成可复制推广的尾矿修复技术模式，修复区植被覆盖率达到85%以上。',
      budgetMinFen: 3_000_000_00,
      budgetMaxFen: 8_000_000_00,
      anonymous: true,
    },
  },
];

/** The challenge of an earlier year that ran its course to a passed acceptance (TRL verdict 6). */
export const DEMO_PAST_PROJECT = {
  programName: (year: number) => `南昌市${year}年度关键核心技术攻关“揭榜挂帅”项目`,
  programDescription: '往年度揭榜挂帅项目（演示数据：其项目已通过验收，成果已入成果库）。',
  /** Years before the clock's year. */
  yearsAgo: 2,
  issuer: 'nev' as DemoOrganization['key'],
  lead: 'ncu' as DemoOrganization['key'],
  leader: 'xu',
  teamName: '南昌大学高丰度稀土永磁电机攻关团队',
  challenge: {
    title: '新能源汽车驱动电机用高丰度稀土永磁材料关键技术',
    categoryCode: 'key_technology',
    industryChain: 'new_energy_vehicles',
    regionCode: '360100',
    background:
      '驱动电机用烧结钕铁硼磁体大量消耗镨钕镝铽等紧缺稀土，成本高且供应受制约。以镧铈等高丰度稀土部分' +
      '替代镨钕、并通过晶界扩散降低重稀土用量，是降低电机成本、平衡利用稀土资源的关键。',
    publicSummary:
      '研发高丰度稀土（镧、铈）替代比例不低于30%的烧结永磁材料及其晶界扩散工艺，满足新能源汽车驱动电机' +
      '的磁性能与高温稳定性要求，并完成电机装车验证。',
    expectedOutcomes: ['高丰度稀土永磁材料中试线1条', '驱动电机样机及装车验证报告', '发明专利3项以上'],
    totalFen: 10_000_000_00,
    fiscalFen: 6_000_000_00,
    /** Activated in July of the program's year, so its acceptance falls in December of the next. */
    durationMonths: 18,
    trlVerdict: 6,
  },
  indicators: [
    { name: '高丰度稀土替代比例', targetValue: '≥30', unit: '%', measuredValue: '32.5' },
    { name: '最大磁能积', targetValue: '≥42', unit: 'MGOe', measuredValue: '43.1' },
    { name: '150℃磁通不可逆损失', targetValue: '≤5', unit: '%', measuredValue: '3.8' },
  ],
  result: {
    title: '高丰度稀土永磁材料及驱动电机应用技术',
    type: 'patent',
    keywords: ['高丰度稀土', '烧结钕铁硼', '晶界扩散', '驱动电机'],
    trlClaimed: 7,
    transferModes: ['exclusive_licence', 'non_exclusive_licence', 'joint_development'],
    priceGuidanceFen: 5_000_000_00,
    ipRecords: [{ kind: '发明专利', number: 'ZL202610123456.7', status: 'granted' }],
  },
  contract: {
    title: '高丰度稀土永磁材料制备技术许可合同',
    type: 'licence',
    contractAmountFen: 3_800_000_00,
    technologyTransactionAmountFen: 3_500_000_00,
    /** Signed this many days before the clock's day. */
    signedDaysAgo: 20,
  },
} as const;
