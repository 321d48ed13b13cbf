import type { Role } from '../common/auth/principal';
import type { CreateChallengeDto } from '../modules/call/challenges/dto/challenge-input.dto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../modules/platform/organizations/credit-code';
import type { OrganizationType } from '../modules/platform/organizations/entities/organization.entity';

/**
 * The demo data of `npm run seed:demo` (and of `npm start` on an empty database): Jiangxi issuers
 * and applicants, one program, twelve challenges, and the applicants' teams with five applications on
 * the challenges that are open. The organizations, people and names are invented for the demo (apart
 * from the two applicants' names); the credit codes are made up but carry valid check characters.
 */

/** Every demo account's email ends with this; the seed recognizes its own users by it. */
export const DEMO_EMAIL_DOMAIN = 'demo.jiebang.local';
export const DEMO_ADMIN_EMAIL = `admin@${DEMO_EMAIL_DOMAIN}`;

export const DEMO_PROGRAM = {
  name: '南昌市2027年度关键核心技术攻关“揭榜挂帅”项目',
  year: 2027,
  description:
    '围绕我市航空、电子信息、新能源汽车、稀土、半导体照明、中医药、虚拟现实等重点产业链，' +
    '面向全国征集关键核心技术攻关团队，不论资历、不设门槛，“谁能干就让谁干”。' +
    '（本项目及其榜单为演示数据。）',
} as const;

/** GB 11714 check character of the 8-character organization code body (主体标识码 position 9). */
function organizationCodeCheckChar(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body8].reduce((acc, ch, i) => acc + parseInt(ch, 36) * weights[i], 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * A unified social credit code (GB 32100-2015): registration authority and category (`91`
 * enterprise, `12` public institution, `52` private non-enterprise unit), the division code, the
 * organization code with its GB 11714 check character, and the overall check character.
 */
export function demoCreditCode(authorityAndCategory: string, divisionCode: string, body8: string): string {
  const first17 = authorityAndCategory + divisionCode + body8 + organizationCodeCheckChar(body8);
  const check = creditCodeCheckChar(first17);
  if (!check || [...first17].some((ch) => !CREDIT_CODE_ALPHABET.includes(ch))) {
    throw new Error(`Not a valid credit code body: ${first17}`);
  }
  return first17 + check;
}

export interface DemoOrganization {
  key: string;
  name: string;
  type: OrganizationType;
  creditCode: string;
  regionCode: string;
  user: { email: string; displayName: string; role: Extract<Role, 'issuer' | 'applicant'> };
}

const email = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;

export const DEMO_ORGANIZATIONS: readonly DemoOrganization[] = [
  {
    key: 'aviation',
    name: '江西赣江航空工业集团有限公司',
    type: 'enterprise',
    creditCode: demoCreditCode('91', '360100', '15830026'),
    regionCode: '360100',
    user: { email: email('aviation'), displayName: '刘建华（科技发展部）', role: 'issuer' },
  },
  {
    key: 'optics',
    name: '南昌瑞视光电科技有限公司',
    type: 'enterprise',
    creditCode: demoCreditCode('91', '360100', '70512348'),
    regionCode: '360100',
    user: { email: email('optics'), displayName: '陈思远（研发中心）', role: 'issuer' },
  },
  {
    key: 'nev',
    name: '江西赣铃新能源汽车股份有限公司',
    type: 'enterprise',
    creditCode: demoCreditCode('91', '360100', '61290437'),
    regionCode: '360100',
    user: { email: email('nev'), displayName: '王立新（技术中心）', role: 'issuer' },
  },
  {
    key: 'rare-earth',
    name: '赣南稀土新材料集团有限公司',
    type: 'enterprise',
    creditCode: demoCreditCode('91', '360700', '33048152'),
    regionCode: '360700',
    user: { email: email('rare-earth'), displayName: '钟国平（科技管理部）', role: 'issuer' },
  },
  {
    key: 'tcm',
    name: '江西杏林中药股份有限公司',
    type: 'enterprise',
    creditCode: demoCreditCode('91', '360100', '48207613'),
    regionCode: '360100',
    user: { email: email('tcm'), displayName: '熊慧敏（研究院）', role: 'issuer' },
  },
  {
    key: 'vr',
    name: '南昌虚拟现实产业研究院',
    type: 'research_institute',
    creditCode: demoCreditCode('52', '360100', '27654019'),
    regionCode: '360100',
    user: { email: email('vr'), displayName: '胡晓峰（成果转化部）', role: 'issuer' },
  },
  {
    key: 'led',
    name: '九江晶耀光电科技有限公司',
    type: 'enterprise',
    creditCode: demoCreditCode('91', '360400', '56093821'),
    regionCode: '360400',
    user: { email: email('led'), displayName: '罗文杰（外延芯片事业部）', role: 'issuer' },
  },
  {
    key: 'ncu',
    name: '南昌大学',
    type: 'university',
    creditCode: demoCreditCode('12', '360000', '49102736'),
    regionCode: '360100',
    user: { email: email('ncu'), displayName: '李明（科学技术研究院）', role: 'applicant' },
  },
  {
    key: 'jxas',
    name: '江西省科学院',
    type: 'research_institute',
    creditCode: demoCreditCode('12', '360000', '40815263'),
    regionCode: '360100',
    user: { email: email('jxas'), displayName: '黄志强（科研处）', role: 'applicant' },
  },
];

/** How far a challenge gets: left as a draft, sent to vetting, or approved and published. */
export type DemoStage = 'draft' | 'pending_review' | 'published';

/** `open`: opened two days ago, so applications are open at once; `next_week`: opens in seven days. */
export type DemoWindow = 'open' | 'next_week';

export type DemoChallengeBody = Omit<
  CreateChallengeDto,
  'programId' | 'opensAt' | 'closesAt' | 'attachments'
>;

export interface DemoChallenge {
  /** How the demo applications name the challenge. */
  key: string;
  issuer: DemoOrganization['key'];
  stage: DemoStage;
  window: DemoWindow;
  /** Days from opening to closing. */
  windowDays: number;
  /** A published challenge the issuer then amends, moving its closing time by `extendDays`. */
  amendment?: { reason: string; extendDays: number };
  body: DemoChallengeBody;
}

const WAN = 1_000_000; // 万元 in fen: 10,000 yuan × 100
const RESEARCH_TYPES: OrganizationType[] = ['university', 'research_institute', 'enterprise'];

/** Twelve challenges across seven industry chains; published ones get their codes in this order. */
export const DEMO_CHALLENGES: readonly DemoChallenge[] = [
  {
    key: 'titanium-am',
    issuer: 'aviation',
    stage: 'published',
    window: 'open',
    windowDays: 45,
    body: {
      title: '大型复杂薄壁钛合金构件激光增材制造变形控制与质量一致性关键技术',
      category: 'key_technology',
      industryChain: 'aviation',
      background:
        '某型教练机与无人机平台的机身框、梁及进气道等主承力构件以TC4、TA15钛合金为主，' +
        '传统“锻造+机加”工艺材料利用率不足15%，单件制造周期长达6个月以上。激光定向能量沉积与' +
        '激光选区熔化可大幅缩短研制周期，但米级薄壁构件成形中残余应力累积导致变形超差，内部气孔、' +
        '未熔合等缺陷难以稳定控制，批次间力学性能离散度大，尚不能满足型号批产对质量一致性的要求，' +
        '是制约我省航空制造提质增效的瓶颈环节。',
      publicSummary:
        '面向航空主承力构件批产需求，攻克米级薄壁钛合金构件增材制造过程变形预测与控制、' +
        '缺陷在线监测与热处理性能调控技术，形成工程化工艺规范，并完成典型构件装机验证。',
      confidentialDetails:
        '保密部分：典型构件为某型机中机身框（外廓约1.6 m×0.9 m，最小壁厚2.5 mm），' +
        '其三维数模、载荷谱及现行验收技术条件在签署保密承诺后提供。',
      indicators: [
        {
          name: '构件最大外廓尺寸',
          targetValue: '≥ 1500',
          unit: 'mm',
          verificationMethod: '第三方计量机构出具尺寸检测报告',
        },
        {
          name: '成形后整体变形量',
          targetValue: '≤ 0.5',
          unit: 'mm/m',
          verificationMethod: '激光扫描检测，与设计数模比对',
        },
        {
          name: '室温抗拉强度',
          targetValue: '≥ 895',
          unit: 'MPa',
          verificationMethod: '按GB/T 228.1对随炉试样检测，由第三方检测机构出具报告',
        },
        {
          name: '内部缺陷检测合格率',
          targetValue: '100',
          unit: '%',
          verificationMethod: '工业CT检测，满足发榜方验收技术条件',
        },
      ],
      expectedOutcomes: [
        { kind: 'prototype', description: '典型构件工程样件5件，完成装机验证' },
        { kind: 'patent', description: '申请发明专利不少于3项' },
        { kind: 'standard', description: '形成企业工艺规范2项' },
      ],
      totalFen: 1800 * WAN,
      fiscalFen: 800 * WAN,
      cofundingFen: 1000 * WAN,
      durationMonths: 24,
      eligibility: { allowedOrganizationTypes: RESEARCH_TYPES, consortiumAllowed: true },
      selectionMode: 'single',
    },
  },
  {
    key: 'composite-layup',
    issuer: 'aviation',
    stage: 'published',
    window: 'next_week',
    windowDays: 60,
    body: {
      title: '航空复合材料构件自动铺放与在线缺陷智能检测装备',
      category: 'enterprise_demand',
      industryChain: 'aviation',
      background:
        '碳纤维复合材料在新一代航空器结构中的用量持续提升。我公司壁板、梁类复材构件目前以手工铺贴为主，' +
        '效率低、质量依赖工人经验，铺层褶皱、间隙、搭接等缺陷往往在固化后才被发现，返修与报废成本高。' +
        '亟需具备自动铺放与过程在线检测能力的成套装备，实现复材构件数字化、智能化生产。',
      publicSummary:
        '研制适用于中等曲率航空复材壁板的自动铺丝/铺带装备，集成基于机器视觉的铺层缺陷在线检测与闭环纠偏，' +
        '在发榜方生产线完成示范应用。采用赛马制，择优支持两支团队并行攻关。',
      confidentialDetails:
        '保密部分：目标构件为某型机尾翼壁板，其铺层数、曲率半径分布及现行工艺文件在签署保密承诺后提供。',
      indicators: [
        { name: '铺放速度', targetValue: '≥ 30', unit: 'm/min', verificationMethod: '现场连续铺放测试' },
        {
          name: '铺放位置精度',
          targetValue: '≤ ±0.3',
          unit: 'mm',
          verificationMethod: '激光跟踪仪现场测量',
        },
        {
          name: '缺陷在线检出率',
          targetValue: '≥ 98',
          unit: '%',
          verificationMethod: '以人工复检为基准，在不少于500个样本上统计',
        },
        {
          name: '最小可检缺陷尺寸',
          targetValue: '≤ 1',
          unit: 'mm',
          verificationMethod: '标准缺陷试样检测',
        },
      ],
      expectedOutcomes: [
        { kind: 'prototype', description: '自动铺放与在线检测装备1套' },
        { kind: 'software', description: '缺陷识别与工艺管理软件1套，登记软件著作权' },
        { kind: 'demonstration', description: '在发榜方复材生产线示范应用' },
      ],
      totalFen: 1200 * WAN,
      fiscalFen: 500 * WAN,
      cofundingFen: 700 * WAN,
      durationMonths: 18,
      eligibility: { allowedOrganizationTypes: RESEARCH_TYPES, consortiumAllowed: true },
      selectionMode: 'horse_race',
      teamCount: 2,
    },
  },
  {
    key: 'auto-lens-aa',
    issuer: 'optics',
    stage: 'published',
    window: 'open',
    windowDays: 45,
    body: {
      title: '车载高像素光学镜头与摄像模组主动对准（AA）装配关键技术',
      category: 'key_technology',
      industryChain: 'electronic_information',
      background:
        '智能网联汽车对800万像素以上车载摄像头的需求快速增长。车载模组需在-40℃～105℃温度循环、' +
        '高湿与振动环境下保持成像稳定，现有主动对准设备与点胶固化工艺在高像素模组上良率偏低、温漂大，' +
        '核心装备与算法依赖进口，制约我市光学光电子产业链向车载高端市场延伸。',
      publicSummary:
        '突破高像素车载摄像模组六轴主动对准算法、低应力点胶固化工艺与环境可靠性设计，' +
        '研制国产化AA装配设备并实现量产导入。',
      confidentialDetails:
        '保密部分：目标模组规格（像素、视场角、MTF要求）及主要客户的车规认证要求在签署保密承诺后提供。',
      indicators: [
        {
          name: '中心视场MTF（1/2奈奎斯特频率）',
          targetValue: '≥ 0.6',
          unit: '',
          verificationMethod: '第三方检测机构按客户规范测试',
        },
        {
          name: '高低温循环后焦点漂移',
          targetValue: '≤ 5',
          unit: 'μm',
          verificationMethod: '-40℃～105℃循环500次后检测',
        },
        { name: 'AA装配单件节拍', targetValue: '≤ 12', unit: 's', verificationMethod: '产线连续运行统计' },
        {
          name: '量产直通良率',
          targetValue: '≥ 98',
          unit: '%',
          verificationMethod: '连续3个月量产数据统计',
        },
      ],
      expectedOutcomes: [
        { kind: 'prototype', description: 'AA装配设备2台' },
        { kind: 'product', description: '车规级摄像模组产品1款，实现批量供货' },
        { kind: 'patent', description: '申请发明专利4项' },
      ],
      totalFen: 1000 * WAN,
      fiscalFen: 400 * WAN,
      cofundingFen: 600 * WAN,
      durationMonths: 24,
      eligibility: { consortiumAllowed: true },
      selectionMode: 'single',
    },
  },
  {
    key: 'micro-led',
    issuer: 'led',
    stage: 'published',
    window: 'next_week',
    windowDays: 60,
    body: {
      title: 'Micro-LED显示芯片巨量转移与检测修复成套技术',
      category: 'enterprise_demand',
      industryChain: 'optoelectronics_led',
      background:
        '公司在硅衬底氮化镓LED外延与芯片领域具备规模化生产能力，正向Micro-LED显示领域布局。' +
        'Micro-LED芯片尺寸小于50微米、单屏芯片数以百万计，巨量转移的速度与良率、坏点的快速检测与修复' +
        '是其商业化的关键瓶颈，国内尚无成熟的成套工艺与装备方案。',
      publicSummary:
        '面向AR近眼显示与大尺寸拼接显示，攻克Micro-LED芯片巨量转移、坏点检测与激光修复技术，' +
        '建成中试验证线。采用赛马制，支持三支团队并行攻关。',
      confidentialDetails:
        '保密部分：芯片外延结构与电极设计、目标显示屏像素密度及驱动背板方案在签署保密承诺后提供。',
      indicators: [
        { name: '芯片尺寸', targetValue: '≤ 30', unit: 'μm', verificationMethod: '扫描电镜测量' },
        {
          name: '巨量转移速度',
          targetValue: '≥ 1000万',
          unit: '颗/小时',
          verificationMethod: '中试线连续运行测试',
        },
        { name: '转移良率', targetValue: '≥ 99.99', unit: '%', verificationMethod: '全检统计，第三方见证' },
        { name: '修复后坏点率', targetValue: '≤ 1', unit: 'ppm', verificationMethod: '点亮检测全检统计' },
      ],
      expectedOutcomes: [
        { kind: 'prototype', description: '巨量转移与检测修复中试样机1套' },
        { kind: 'demonstration', description: '建成Micro-LED中试验证线1条' },
        { kind: 'patent', description: '申请发明专利不少于5项' },
      ],
      totalFen: 2000 * WAN,
      fiscalFen: 800 * WAN,
      cofundingFen: 1200 * WAN,
      durationMonths: 30,
      eligibility: { allowedOrganizationTypes: RESEARCH_TYPES, consortiumAllowed: true },
      selectionMode: 'horse_race',
      teamCount: 3,
    },
  },
  {
    key: 'yellow-led',
    issuer: 'led',
    stage: 'pending_review',
    window: 'next_week',
    windowDays: 60,
    body: {
      title: '硅衬底GaN基高光效黄光与琥珀光LED外延芯片关键技术',
      category: 'key_technology',
      industryChain: 'optoelectronics_led',
      background:
        '硅衬底GaN基LED是我省具有自主知识产权的特色技术路线。黄光、琥珀光波段存在“绿隙”问题，' +
        '光效远低于蓝光LED，制约无荧光粉多基色照明与车用信号灯等高端应用。提升长波长InGaN量子阱的' +
        '发光效率，是巩固我省LED产业链技术优势的关键。',
      publicSummary:
        '攻克高铟组分InGaN量子阱应力调控与缺陷抑制技术，提升硅衬底黄光、琥珀光LED光效，' +
        '并在车灯与健康照明领域完成应用验证。',
      confidentialDetails: '保密部分：现有外延结构参数与光效测试数据在签署保密承诺后提供。',
      indicators: [
        {
          name: '黄光LED电光转换效率（565 nm，20 A/cm²）',
          targetValue: '≥ 30',
          unit: '%',
          verificationMethod: '第三方检测机构积分球测试',
        },
        {
          name: '琥珀光LED外量子效率（595 nm）',
          targetValue: '≥ 25',
          unit: '%',
          verificationMethod: '第三方检测机构测试',
        },
        {
          name: '芯片寿命（L70）',
          targetValue: '≥ 30000',
          unit: 'h',
          verificationMethod: '加速老化试验推算，第三方出具报告',
        },
      ],
      expectedOutcomes: [
        { kind: 'product', description: '黄光、琥珀光LED芯片产品各1款' },
        { kind: 'patent', description: '申请发明专利4项' },
        { kind: 'paper', description: '发表高水平论文2篇' },
      ],
      totalFen: 800 * WAN,
      fiscalFen: 400 * WAN,
      cofundingFen: 400 * WAN,
      durationMonths: 24,
      eligibility: { consortiumAllowed: true },
      selectionMode: 'single',
    },
  },
  {
    key: 'sic-drive',
    issuer: 'nev',
    stage: 'published',
    window: 'open',
    windowDays: 40,
    amendment: {
      reason:
        '多家拟申报单位反映整车搭载验证方案准备需要更长时间，经发榜方与主管部门协商，申报截止时间延长15天。',
      extendDays: 15,
    },
    body: {
      title: '轻型商用车800V高压平台碳化硅电驱动总成关键技术',
      category: 'key_technology',
      industryChain: 'new_energy_vehicles',
      background:
        '轻型商用车电动化进入快车道，用户对续驶里程、补能速度和载重能力的要求不断提高。800V高压平台' +
        '配合碳化硅功率器件可显著提升系统效率与快充能力，但电机绝缘与轴电流、碳化硅模块高dv/dt带来的' +
        '电磁兼容、油冷散热与高功率密度集成等问题，在商用车上尚未形成成熟方案。',
      publicSummary:
        '开发面向轻型商用车的800V碳化硅“三合一”电驱动总成，突破高压绝缘、轴承电腐蚀防护、' +
        '电磁兼容与油冷集成设计，完成整车搭载验证。',
      confidentialDetails:
        '保密部分：目标车型的整车参数、载荷工况谱与现有电驱平台测试数据在签署保密承诺后提供。',
      indicators: [
        {
          name: '电驱系统最高效率',
          targetValue: '≥ 95',
          unit: '%',
          verificationMethod: '按GB/T 18488进行台架测试，第三方出具报告',
        },
        {
          name: '功率密度（电机+控制器）',
          targetValue: '≥ 2.5',
          unit: 'kW/kg',
          verificationMethod: '称重与台架测试',
        },
        { name: '峰值功率', targetValue: '≥ 180', unit: 'kW', verificationMethod: '台架测试' },
        {
          name: 'CLTC工况系统综合效率',
          targetValue: '≥ 91',
          unit: '%',
          verificationMethod: '整车转毂试验',
        },
      ],
      expectedOutcomes: [
        { kind: 'prototype', description: '电驱动总成样机10台，完成整车搭载验证' },
        { kind: 'patent', description: '申请发明专利3项' },
        { kind: 'standard', description: '参与制定行业或团体标准1项' },
      ],
      totalFen: 1500 * WAN,
      fiscalFen: 600 * WAN,
      cofundingFen: 900 * WAN,
      durationMonths: 24,
      eligibility: { allowedOrganizationTypes: RESEARCH_TYPES, consortiumAllowed: true },
      selectionMode: 'single',
    },
  },
  {
    key: 'lmfp-battery',
    issuer: 'nev',
    stage: 'published',
    window: 'next_week',
    windowDays: 45,
    body: {
      title: '磷酸锰铁锂动力电池低温性能提升与快充技术',
      category: 'enterprise_demand',
      industryChain: 'new_energy_vehicles',
      background:
        '我公司纯电动轻客与皮卡产品在北方冬季市场的低温续驶里程衰减超过35%，低温充电时间长，用户投诉集中。' +
        '磷酸锰铁锂材料能量密度较磷酸铁锂提升约15%，但其电子电导率低、低温动力学性能差，' +
        '需要从材料改性、电解液与电芯结构、热管理策略等方面协同攻关。',
      publicSummary:
        '开发高能量密度磷酸锰铁锂动力电芯及低温快充热管理策略，显著提升整车低温续驶与充电性能，并完成装车路试。',
      confidentialDetails: '保密部分：现有电池包结构、热管理系统架构及冬季路试数据在签署保密承诺后提供。',
      indicators: [
        {
          name: '电芯能量密度',
          targetValue: '≥ 190',
          unit: 'Wh/kg',
          verificationMethod: '第三方检测机构按GB/T 31486测试',
        },
        {
          name: '-20℃放电容量保持率',
          targetValue: '≥ 85',
          unit: '%',
          verificationMethod: '第三方检测机构测试',
        },
        {
          name: '快充时间（SOC 10%～80%，25℃）',
          targetValue: '≤ 20',
          unit: 'min',
          verificationMethod: '台架测试',
        },
        {
          name: '循环寿命（容量保持率80%）',
          targetValue: '≥ 3000',
          unit: '次',
          verificationMethod: '第三方检测机构循环测试',
        },
      ],
      expectedOutcomes: [
        { kind: 'prototype', description: '电芯样品及电池包样件各1批' },
        { kind: 'demonstration', description: '装车路试不少于10台' },
        { kind: 'patent', description: '申请发明专利3项' },
      ],
      totalFen: 600 * WAN,
      fiscalFen: 200 * WAN,
      cofundingFen: 400 * WAN,
      durationMonths: 18,
      eligibility: { consortiumAllowed: true },
      selectionMode: 'single',
    },
  },
  {
    key: 'ionic-rare-earth',
    issuer: 'rare-earth',
    stage: 'published',
    window: 'open',
    windowDays: 50,
    body: {
      title: '离子型稀土矿绿色高效浸取与氨氮近零排放关键技术',
      category: 'key_technology',
      industryChain: 'rare_earths',
      background:
        '赣南离子吸附型稀土矿是我国中重稀土的主要来源。现行硫酸铵原地浸矿工艺存在稀土浸出率偏低、' +
        '浸矿剂用量大、矿区水体氨氮残留等问题，生态修复压力大。国家对稀土开采的环境约束日益严格，' +
        '亟需无铵或低铵的绿色浸取新工艺，实现资源高效回收与矿山生态保护协同。',
      publicSummary:
        '研发离子型稀土矿无铵（低铵）浸取剂体系与原地浸矿过程调控技术，开展工业性试验，' +
        '实现稀土高效回收与矿区氨氮近零排放。采用赛马制，支持两支团队并行攻关。',
      confidentialDetails: '保密部分：试验矿块位置、矿体品位分布及现有浸矿工艺参数在签署保密承诺后提供。',
      indicators: [
        {
          name: '稀土浸出率',
          targetValue: '≥ 92',
          unit: '%',
          verificationMethod: '工业性试验矿块取样，第三方检测',
        },
        {
          name: '浸出液稀土浓度',
          targetValue: '≥ 1.0',
          unit: 'g/L',
          verificationMethod: '第三方检测',
        },
        {
          name: '矿区地表水氨氮浓度',
          targetValue: '≤ 1.0',
          unit: 'mg/L',
          verificationMethod: '按GB 3838 Ⅲ类标准，由生态环境监测机构连续监测6个月',
        },
        {
          name: '工业性试验矿量',
          targetValue: '≥ 5000',
          unit: '吨',
          verificationMethod: '现场核查与生产记录',
        },
      ],
      expectedOutcomes: [
        { kind: 'demonstration', description: '建成工业性试验示范矿块1处' },
        { kind: 'standard', description: '形成绿色浸矿技术规范（团体标准）1项' },
        { kind: 'patent', description: '申请发明专利5项' },
      ],
      totalFen: 2000 * WAN,
      fiscalFen: 1000 * WAN,
      cofundingFen: 1000 * WAN,
      durationMonths: 36,
      eligibility: {
        allowedOrganizationTypes: RESEARCH_TYPES,
        consortiumAllowed: true,
        leaderConcurrencyLimit: 1,
      },
      selectionMode: 'horse_race',
      teamCount: 2,
    },
  },
  {
    key: 'la-ce-magnet',
    issuer: 'rare-earth',
    stage: 'draft',
    window: 'next_week',
    windowDays: 45,
    body: {
      title: '高丰度稀土（镧铈）永磁材料低成本制备与电机应用',
      category: 'enterprise_demand',
      industryChain: 'rare_earths',
      background:
        '稀土永磁产业对镨钕、镝铽等紧缺元素依赖度高，而镧、铈等高丰度稀土大量积压，资源利用不平衡。' +
        '以镧铈部分替代镨钕制备高性能永磁材料，既可降低成本，又能促进稀土资源平衡利用，' +
        '但磁体矫顽力与温度稳定性下降明显，需在晶界扩散、双主相调控等方面取得突破。',
      publicSummary:
        '开发镧铈替代比例不低于30%的高性能钕铁硼永磁材料及其低成本制备工艺，并在工业电机中完成应用验证。',
      confidentialDetails: '保密部分：现有磁体牌号、配方与目标电机的技术规格在签署保密承诺后提供。',
      indicators: [
        {
          name: '镧铈占稀土总量比例',
          targetValue: '≥ 30',
          unit: '%',
          verificationMethod: '第三方成分检测',
        },
        {
          name: '最大磁能积',
          targetValue: '≥ 45',
          unit: 'MGOe',
          verificationMethod: '第三方检测机构磁性能测试',
        },
        {
          name: '内禀矫顽力',
          targetValue: '≥ 15',
          unit: 'kOe',
          verificationMethod: '第三方检测机构磁性能测试',
        },
        {
          name: '材料成本较同牌号降低',
          targetValue: '≥ 15',
          unit: '%',
          verificationMethod: '发榜方组织成本核算，第三方审计',
        },
      ],
      expectedOutcomes: [
        { kind: 'product', description: '高丰度稀土永磁材料产品2个牌号' },
        { kind: 'demonstration', description: '在工业电机中批量应用验证' },
      ],
      totalFen: 500 * WAN,
      fiscalFen: 200 * WAN,
      cofundingFen: 300 * WAN,
      durationMonths: 24,
      eligibility: { consortiumAllowed: false },
      selectionMode: 'single',
    },
  },
  {
    key: 'tcm-granules',
    issuer: 'tcm',
    stage: 'published',
    window: 'open',
    windowDays: 45,
    body: {
      title: '中药配方颗粒全过程质量控制与特征图谱一致性评价关键技术',
      category: 'key_technology',
      industryChain: 'traditional_chinese_medicine',
      background:
        '中药配方颗粒已结束试点、全面纳入国家标准管理，对药材、饮片、中间体到成品的全过程质量一致性' +
        '提出了更高要求。我省道地药材资源丰富，但配方颗粒生产中存在批间差异大、特征图谱与标准汤剂' +
        '一致性评价手段不足、过程质量在线监控水平低等问题。',
      publicSummary:
        '建立覆盖“药材—饮片—中间体—成品”的配方颗粒全过程质量控制体系，开发近红外等过程分析技术（PAT）' +
        '在线监测模型，提升产品批间一致性。',
      confidentialDetails: '保密部分：重点品种清单、现行内控标准与历史批次检验数据在签署保密承诺后提供。',
      indicators: [
        {
          name: '覆盖配方颗粒品种数',
          targetValue: '≥ 30',
          unit: '个',
          verificationMethod: '提交品种清单及对应质量标准',
        },
        {
          name: '特征图谱与标准汤剂相似度',
          targetValue: '≥ 0.90',
          unit: '',
          verificationMethod: '按国家药品标准方法测定，第三方检测',
        },
        {
          name: '在线监测模型预测决定系数（R²）',
          targetValue: '≥ 0.95',
          unit: '',
          verificationMethod: '独立验证集评价',
        },
        {
          name: '成品批间指标成分含量RSD',
          targetValue: '≤ 5',
          unit: '%',
          verificationMethod: '连续20批产品检测统计',
        },
      ],
      expectedOutcomes: [
        { kind: 'standard', description: '配方颗粒企业内控标准30项' },
        { kind: 'software', description: '过程质量在线监测系统1套' },
        { kind: 'patent', description: '申请发明专利3项' },
      ],
      totalFen: 800 * WAN,
      fiscalFen: 300 * WAN,
      cofundingFen: 500 * WAN,
      durationMonths: 24,
      eligibility: { allowedOrganizationTypes: RESEARCH_TYPES, consortiumAllowed: true },
      selectionMode: 'single',
    },
  },
  {
    key: 'classic-formula',
    issuer: 'tcm',
    stage: 'published',
    window: 'next_week',
    windowDays: 45,
    body: {
      title: '健胃消食类经典名方复方制剂关键工艺现代化与二次开发',
      category: 'enterprise_demand',
      industryChain: 'traditional_chinese_medicine',
      background:
        '古代经典名方是中医药传承创新的重要载体，国家已发布多批古代经典名方目录并简化注册审批。' +
        '公司拥有健胃消食类中成药大品种，拟基于经典名方开发新一代复方制剂，但在物质基准制备、' +
        '关键工艺参数与质量传递规律研究、药效物质基础阐释等方面技术储备不足。',
      publicSummary:
        '围绕一首健胃消食类古代经典名方，完成物质基准研究、制剂关键工艺放大与质量标准研究，' +
        '形成满足注册申报要求的技术资料。限省内单位牵头申报。',
      confidentialDetails: '保密部分：目标经典名方的处方来源、药材基原与前期研究数据在签署保密承诺后提供。',
      indicators: [
        {
          name: '物质基准研究批次',
          targetValue: '≥ 15',
          unit: '批',
          verificationMethod: '按经典名方物质基准相关技术要求提交研究资料',
        },
        { name: '工艺放大规模', targetValue: '≥ 500', unit: 'kg/批', verificationMethod: '生产批记录核查' },
        {
          name: '关键指标成分转移率波动范围',
          targetValue: '均值的70%～130%',
          unit: '',
          verificationMethod: '第三方检测机构测定',
        },
      ],
      expectedOutcomes: [
        { kind: 'other', description: '经典名方复方制剂注册申报资料1套' },
        { kind: 'standard', description: '质量标准草案1项' },
        { kind: 'patent', description: '申请发明专利2项' },
      ],
      totalFen: 500 * WAN,
      fiscalFen: 200 * WAN,
      cofundingFen: 300 * WAN,
      durationMonths: 30,
      eligibility: {
        allowedOrganizationTypes: RESEARCH_TYPES,
        regionCodes: ['360000'],
        consortiumAllowed: true,
      },
      selectionMode: 'single',
    },
  },
  {
    key: 'vr-pancake',
    issuer: 'vr',
    stage: 'published',
    window: 'open',
    windowDays: 45,
    body: {
      title: '轻薄化高分辨率VR近眼显示光学模组（Pancake）关键技术',
      category: 'key_technology',
      industryChain: 'virtual_reality',
      background:
        '南昌是全国重要的虚拟现实产业集聚区。近眼显示光学模组决定VR终端的体积、重量和视觉体验，' +
        '折叠光路（Pancake）方案可使模组厚度大幅减小，但存在光效低、鬼影与杂散光明显、偏振膜材及' +
        '精密贴合工艺依赖进口等问题，制约本地VR整机企业的产品竞争力。',
      publicSummary:
        '研制国产化Pancake折叠光路VR光学模组，突破低鬼影偏振光学设计、高精度复合膜材贴合与批量组装工艺，' +
        '实现在本地VR整机中的装机应用。',
      confidentialDetails: '保密部分：合作整机企业的产品规划、显示屏规格与结构空间约束在签署保密承诺后提供。',
      indicators: [
        {
          name: '适配单眼显示分辨率',
          targetValue: '≥ 2160×2160',
          unit: '像素',
          verificationMethod: '整机装配测试',
        },
        { name: '视场角（FOV）', targetValue: '≥ 100', unit: '°', verificationMethod: '第三方光学检测' },
        { name: '光学模组总厚度', targetValue: '≤ 25', unit: 'mm', verificationMethod: '尺寸测量' },
        {
          name: '鬼影强度（相对主像）',
          targetValue: '≤ 0.1',
          unit: '%',
          verificationMethod: '第三方光学检测',
        },
      ],
      expectedOutcomes: [
        { kind: 'prototype', description: '光学模组样品200套' },
        { kind: 'product', description: '在本地VR整机中实现装机应用' },
        { kind: 'patent', description: '申请发明专利4项' },
      ],
      totalFen: 600 * WAN,
      fiscalFen: 300 * WAN,
      cofundingFen: 300 * WAN,
      durationMonths: 24,
      eligibility: { consortiumAllowed: true },
      selectionMode: 'single',
    },
  },
];

/**
 * Team leaders (挂帅者): applicant accounts of the two applicant organizations, beside their
 * contact accounts above. A leader must be an enabled user of the team's lead organization.
 */
export interface DemoLeader {
  key: string;
  organization: DemoOrganization['key'];
  email: string;
  displayName: string;
}

export const DEMO_LEADERS: readonly DemoLeader[] = [
  {
    key: 'xu',
    organization: 'ncu',
    email: email('ncu-xu'),
    displayName: '徐志远（材料科学与工程学院）',
  },
  {
    key: 'zhou',
    organization: 'ncu',
    email: email('ncu-zhou'),
    displayName: '周雅琴（物理与材料学院）',
  },
  {
    key: 'qiu',
    organization: 'jxas',
    email: email('jxas-qiu'),
    displayName: '邱文斌（应用化学研究所）',
  },
  {
    key: 'wan',
    organization: 'jxas',
    email: email('jxas-wan'),
    displayName: '万丽萍（生物资源研究所）',
  },
];

export interface DemoTeamMember {
  name: string;
  title: string;
  role: string;
  /** The lead organization or a consortium member. */
  organization: DemoOrganization['key'];
  /** The member's account, when the member is a demo leader; the others have none. */
  leader?: DemoLeader['key'];
}

/** A team (揭榜团队), created by the contact account of its lead organization. */
export interface DemoTeam {
  key: string;
  organization: DemoOrganization['key'];
  /** Unique within the lead organization: the seed finds its teams by name. */
  name: string;
  leader: DemoLeader['key'];
  leadSharePercent?: number;
  consortium?: Array<{ organization: DemoOrganization['key']; role: string; sharePercent?: number }>;
  members: DemoTeamMember[];
}

export const DEMO_TEAMS: readonly DemoTeam[] = [
  {
    key: 'ncu-titanium',
    organization: 'ncu',
    name: '南昌大学航空钛合金增材制造攻关团队',
    leader: 'xu',
    members: [
      {
        name: '徐志远',
        title: '教授',
        role: '挂帅者，总体技术方案与变形控制',
        organization: 'ncu',
        leader: 'xu',
      },
      { name: '彭海涛', title: '副教授', role: '激光定向能量沉积工艺与残余应力调控', organization: 'ncu' },
      { name: '吴晓琳', title: '副研究员', role: '熔池在线监测与缺陷智能识别', organization: 'ncu' },
      { name: '邓超', title: '高级实验师', role: '热处理制度与力学性能测试', organization: 'ncu' },
      { name: '林子豪', title: '', role: '热—力耦合数值模拟（博士研究生）', organization: 'ncu' },
    ],
  },
  {
    key: 'ncu-vr-optics',
    organization: 'ncu',
    name: '南昌大学—瑞视光电VR近眼显示光学联合攻关团队',
    leader: 'zhou',
    leadSharePercent: 70,
    consortium: [
      {
        organization: 'optics',
        role: '负责偏振复合膜材精密贴合、光学模组批量组装与可靠性验证',
        sharePercent: 30,
      },
    ],
    members: [
      {
        name: '周雅琴',
        title: '教授',
        role: '挂帅者，折叠光路光学设计',
        organization: 'ncu',
        leader: 'zhou',
      },
      { name: '胡斌', title: '副教授', role: '偏振光学与鬼影、杂散光分析', organization: 'ncu' },
      { name: '蔡俊', title: '高级工程师', role: '复合膜材贴合工艺', organization: 'optics' },
      { name: '付晓燕', title: '工程师', role: '模组组装与光学检测', organization: 'optics' },
    ],
  },
  {
    key: 'ncu-auto-lens',
    organization: 'ncu',
    name: '南昌大学车载光学成像与精密装配团队',
    leader: 'zhou',
    members: [
      {
        name: '周雅琴',
        title: '教授',
        role: '挂帅者，光学系统与公差设计',
        organization: 'ncu',
        leader: 'zhou',
      },
      { name: '熊伟', title: '副教授', role: '六轴主动对准算法与运动控制', organization: 'ncu' },
      { name: '邹敏', title: '讲师', role: '点胶固化工艺与热应力仿真', organization: 'ncu' },
    ],
  },
  {
    key: 'jxas-rare-earth',
    organization: 'jxas',
    name: '江西省科学院离子型稀土绿色提取攻关团队',
    leader: 'qiu',
    members: [
      {
        name: '邱文斌',
        title: '研究员',
        role: '挂帅者，浸矿化学与总体方案',
        organization: 'jxas',
        leader: 'qiu',
      },
      { name: '曾庆华', title: '副研究员', role: '无铵浸取剂合成与柱浸试验', organization: 'jxas' },
      { name: '钟丽', title: '助理研究员', role: '矿区水环境监测与氨氮治理', organization: 'jxas' },
      { name: '温建国', title: '高级工程师', role: '工业性试验与现场工程', organization: 'jxas' },
    ],
  },
  {
    key: 'jxas-tcm',
    organization: 'jxas',
    name: '江西省科学院中药配方颗粒质量控制团队',
    leader: 'wan',
    members: [
      {
        name: '万丽萍',
        title: '研究员',
        role: '挂帅者，特征图谱与质量标准研究',
        organization: 'jxas',
        leader: 'wan',
      },
      { name: '饶志刚', title: '副研究员', role: '近红外过程分析模型', organization: 'jxas' },
      { name: '黄婷', title: '助理研究员', role: '标准汤剂制备与含量测定', organization: 'jxas' },
    ],
  },
];

/**
 * How far an application gets: a draft; pledged by its leader and submitted; then formally checked by the
 * admin, found eligible or returned for correction.
 */
export type DemoApplicationStage = 'draft' | 'submitted' | 'eligible' | 'returned';

export interface DemoApplication {
  team: DemoTeam['key'];
  /** An open challenge (DemoChallenge.key). */
  challenge: DemoChallenge['key'];
  stage: DemoApplicationStage;
  /** The admin's reason at the formal check (required when returned). */
  checkReason?: string;
  technicalPlan: string;
  requestedFiscalFen: number;
  /** A committed value for every indicator of the challenge, by the indicator's name. */
  commitments: Record<string, string>;
  /** Due within the challenge's duration; shares sum to 100. */
  milestones: Array<{ title: string; deliverables: string; dueMonth: number; sharePercent: number }>;
}

/** Five applications on five of the six open challenges: two submitted, one eligible, one returned, one draft. */
export const DEMO_APPLICATIONS: readonly DemoApplication[] = [
  {
    team: 'ncu-titanium',
    challenge: 'titanium-am',
    stage: 'eligible',
    checkReason: '申报材料齐全，牵头单位类型、指标承诺与申请经费均符合榜单要求，形式审查通过。',
    technicalPlan:
      '一、技术路线：以TC4钛合金激光定向能量沉积（DED）为主、激光选区熔化（SLM）制备复杂细节特征为辅，' +
      '采用“近净成形+少量精加工”的复合制造路线。\n' +
      '二、变形控制：建立热—力耦合逐层变形预测模型，结合分区岛状扫描、基板预变形补偿与随形支撑设计，' +
      '把米级薄壁构件的残余应力累积降至可控范围；成形过程中以层间激光扫描实时比对数模，超差即闭环修正工艺参数。\n' +
      '三、缺陷控制：同轴高速相机与双色测温监测熔池，基于深度学习识别气孔、未熔合前兆并在线调整功率与送粉量；' +
      '成形后以热等静压与双重退火调控α+β组织，保证强塑性匹配与批次一致性。\n' +
      '四、工程化：与发榜方工艺部门共同编制增材制造工艺规范与验收技术条件，完成5件中机身框工程样件的装机验证。',
    requestedFiscalFen: 750 * WAN,
    commitments: {
      构件最大外廓尺寸: '≥ 1600 mm（中机身框全尺寸一体成形）',
      成形后整体变形量: '≤ 0.4 mm/m',
      室温抗拉强度: '≥ 930 MPa，延伸率 ≥ 10%',
      内部缺陷检测合格率: '100%（工业CT检测，无 ≥ 0.2 mm 的气孔及未熔合缺陷）',
    },
    milestones: [
      {
        title: '变形预测模型与分区扫描工艺定型',
        deliverables: '热—力耦合变形预测软件1套；典型截面试验件3件及变形检测报告',
        dueMonth: 8,
        sharePercent: 30,
      },
      {
        title: '全尺寸构件试制与熔池在线监测系统',
        deliverables: '1.6 m级中机身框试制件2件；熔池在线监测系统1套；第三方力学性能与工业CT检测报告',
        dueMonth: 16,
        sharePercent: 40,
      },
      {
        title: '工程样件交付与装机验证',
        deliverables: '工程样件5件；增材制造工艺规范2项；装机验证报告；发明专利申请3项',
        dueMonth: 24,
        sharePercent: 30,
      },
    ],
  },
  {
    team: 'ncu-vr-optics',
    challenge: 'vr-pancake',
    stage: 'submitted',
    technicalPlan:
      '一、光学设计：采用双片非球面树脂透镜的折叠光路方案，以偏振全链路仿真优化半透半反膜与反射式偏振膜的' +
      '相位匹配，从源头抑制鬼影；透镜表面镀低反射宽带增透膜，控制杂散光。\n' +
      '二、膜材与贴合：联合体成员南昌瑞视光电科技有限公司负责国产反射式偏振膜与1/4波片的曲面真空贴合工艺，' +
      '攻克贴合应力导致的双折射不均问题，并建设模组自动化组装与光学检测线。\n' +
      '三、验证：与本地VR整机企业共同完成结构适配与整机装配测试，形成批量供货能力。分工：南昌大学70%，瑞视光电30%。',
    requestedFiscalFen: 280 * WAN,
    commitments: {
      适配单眼显示分辨率: '2560×2560',
      '视场角（FOV）': '≥ 105°',
      光学模组总厚度: '≤ 22 mm',
      '鬼影强度（相对主像）': '≤ 0.08%',
    },
    milestones: [
      {
        title: '光学设计定型与膜材选型',
        deliverables: '光学设计报告与公差分析；国产偏振膜材样品测试报告',
        dueMonth: 6,
        sharePercent: 30,
      },
      {
        title: '样品试制与光学检测',
        deliverables: '光学模组样品50套；第三方光学检测报告（视场角、鬼影强度）',
        dueMonth: 15,
        sharePercent: 40,
      },
      {
        title: '批量组装与整机装机应用',
        deliverables: '光学模组样品200套；整机装配测试报告；发明专利申请4项',
        dueMonth: 24,
        sharePercent: 30,
      },
    ],
  },
  {
    team: 'ncu-auto-lens',
    challenge: 'auto-lens-aa',
    stage: 'draft',
    technicalPlan:
      '（草稿）拟基于六轴精密位移平台与多视场MTF实时评价，开发全局寻优的主动对准算法，将单件对准收敛时间' +
      '压缩到8秒以内；采用低收缩率UV—热双固化胶与分段固化工艺降低点胶应力，并以温度循环试验数据建立焦点漂移' +
      '补偿模型。量产导入方案待与发榜方进一步沟通后完善。',
    requestedFiscalFen: 350 * WAN,
    commitments: {
      '中心视场MTF（1/2奈奎斯特频率）': '≥ 0.62',
      高低温循环后焦点漂移: '≤ 4 μm',
      AA装配单件节拍: '≤ 10 s',
      量产直通良率: '≥ 98.5%',
    },
    milestones: [
      {
        title: '主动对准算法与样机',
        deliverables: 'AA装配样机1台；算法软件1套；样件MTF与温漂测试报告',
        dueMonth: 12,
        sharePercent: 50,
      },
      {
        title: '设备定型与量产导入',
        deliverables: 'AA装配设备2台；连续3个月量产良率统计报告',
        dueMonth: 24,
        sharePercent: 50,
      },
    ],
  },
  {
    team: 'jxas-rare-earth',
    challenge: 'ionic-rare-earth',
    stage: 'submitted',
    technicalPlan:
      '一、浸取剂体系：以镁盐—铝盐复配的无铵浸取剂替代硫酸铵，辅以可生物降解的助浸剂提高离子交换效率，' +
      '从源头消除氨氮。\n' +
      '二、过程调控：基于矿体渗透性三维建模优化注液孔网布置与注液强度，结合电导率与稀土浓度在线监测动态调整' +
      '浸矿周期，提高浸出液浓度、减少浸取剂用量。\n' +
      '三、生态保障：建设截渗、收液与尾水处理一体化系统，对矿区地表水连续监测6个月；形成绿色浸矿技术规范，' +
      '在发榜方矿区完成不少于6000吨矿量的工业性试验。',
    requestedFiscalFen: 900 * WAN,
    commitments: {
      稀土浸出率: '≥ 93%',
      浸出液稀土浓度: '≥ 1.2 g/L',
      矿区地表水氨氮浓度: '≤ 0.5 mg/L（无铵浸取剂体系）',
      工业性试验矿量: '≥ 6000 吨',
    },
    milestones: [
      {
        title: '浸取剂配方与柱浸试验',
        deliverables: '无铵浸取剂配方2个；柱浸试验报告（浸出率、浸取剂单耗）',
        dueMonth: 12,
        sharePercent: 25,
      },
      {
        title: '工业性试验',
        deliverables: '工业性试验矿块1处（≥ 6000 吨）；浸出液检测与水质监测报告',
        dueMonth: 24,
        sharePercent: 45,
      },
      {
        title: '示范推广与标准编制',
        deliverables: '示范矿块验收报告；绿色浸矿技术规范（团体标准）1项；发明专利申请5项',
        dueMonth: 36,
        sharePercent: 30,
      },
    ],
  },
  {
    team: 'jxas-tcm',
    challenge: 'tcm-granules',
    stage: 'returned',
    checkReason:
      '技术方案未说明在线监测模型独立验证集的批次来源与样本量，里程碑交付物未对应“成品批间指标成分含量RSD”' +
      '指标的验证方式。请补充完善后，在申报截止时间前重新提交。',
    technicalPlan:
      '一、全过程质量追溯：以江西道地药材为重点，建立药材—饮片—中间体—成品的质量传递模型和关键质量属性清单。\n' +
      '二、一致性评价：按国家药品标准方法建立32个品种的特征图谱，与标准汤剂进行相似度评价。\n' +
      '三、过程分析技术：在提取、浓缩、干燥工序部署近红外在线监测，建立偏最小二乘定量模型，实现关键指标实时放行。',
    requestedFiscalFen: 260 * WAN,
    commitments: {
      覆盖配方颗粒品种数: '≥ 32 个',
      特征图谱与标准汤剂相似度: '≥ 0.92',
      '在线监测模型预测决定系数（R²）': '≥ 0.96',
      成品批间指标成分含量RSD: '≤ 4%',
    },
    milestones: [
      {
        title: '质量传递模型与特征图谱',
        deliverables: '32个品种的特征图谱与相似度评价报告',
        dueMonth: 9,
        sharePercent: 30,
      },
      {
        title: '近红外在线监测模型',
        deliverables: '在线监测模型及验证报告；过程质量在线监测系统1套',
        dueMonth: 18,
        sharePercent: 40,
      },
      {
        title: '内控标准与示范应用',
        deliverables: '企业内控标准30项；示范生产线应用报告；发明专利申请3项',
        dueMonth: 24,
        sharePercent: 30,
      },
    ],
  },
];
