import { Injectable } from '@nestjs/common';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/** A term and how often it occurs in a subject's public text (keywords count double). */
export type TermCounts = Map<string, number>;

/**
 * Function words, boilerplate of needs and results (技术, 研究 …) and measure words that every
 * text of the library holds: as terms they would match everything and explain nothing.
 */
const STOP_TERMS = new Set(
  (
    '的 了 和 与 及 或 在 是 为 对 等 中 上 下 其 该 此 并 且 由 从 以 于 将 把 被 所 有 无 不 也 都 而 又 ' +
    '我们 我省 本 该项 一种 一个 进行 通过 采用 实现 提供 提高 提升 降低 需要 亟需 要求 达到 具有 可以 能够 ' +
    '以及 相关 主要 目前 现有 存在 问题 方法 方面 研究 技术 关键 关键技术 开发 研制 应用 工作 情况 过程 ' +
    '基于 用于 利用 使用 形成 解决 满足 显著 较高 较低 国内 国际 水平 领先 先进 企业 公司 我司 项目 成果 ' +
    '以上 以下 左右 小于 大于 不低于 不高于 不少于 超过 以内 同时 其中 因此 但是 目标 效果 能力 性能 ' +
    '年 月 日 个 项 套 台 种 次 批'
  ).split(/\s+/),
);

/** Tokens that are words: at least one CJK ideograph, or a Latin/digit token of 2+ with a letter. */
const CJK = /[\u3400-\u9fff]/;
const LATIN_WORD = /^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9.+-]*$/;

/**
 * Chinese text into terms (ADR 0060): jieba's search-mode segmentation (@node-rs/jieba, its
 * dictionary shipped inside the npm package, nothing downloaded), so a long dictionary word also
 * yields its parts (高温超导 → 高温, 超导, 高温超导). A term is a token of two or more characters
 * with a CJK ideograph (芯片 and 稀土 are terms), or a Latin/digit token of two or more with a
 * letter (MCU, TOPCon, 5G), upper-cased; single characters, stop terms and punctuation are not.
 * The dictionary is loaded on first use (≈ 0.4 s), not at start-up.
 */
@Injectable()
export class TermsService {
  private jieba: Jieba | null = null;

  /** The terms of one text, in order, repeats kept. */
  segment(text: string): string[] {
    if (!text.trim()) return [];
    return this.segmenter()
      .cutForSearch(text.normalize('NFKC'), true)
      .map(normalizeTerm)
      .filter((t): t is string => t !== null);
  }

  /**
   * Term counts of a subject: every text segmented; every keyword segmented too and, when it is
   * itself a term, kept whole (a keyword counts twice: the owner named it).
   */
  count(texts: readonly string[], keywords: readonly string[] = []): TermCounts {
    const counts: TermCounts = new Map();
    const add = (term: string, n: number) => counts.set(term, (counts.get(term) ?? 0) + n);
    for (const text of texts) for (const term of this.segment(text)) add(term, 1);
    for (const keyword of keywords) {
      const whole = normalizeTerm(keyword.trim().normalize('NFKC'));
      const parts = new Set(this.segment(keyword));
      if (whole) parts.add(whole);
      for (const term of parts) add(term, 2);
    }
    return counts;
  }

  private segmenter(): Jieba {
    this.jieba ??= Jieba.withDict(dict);
    return this.jieba;
  }
}

/** A token as a term, or null when it is not one (see TermsService). */
export function normalizeTerm(token: string): string | null {
  const t = token.trim();
  if (t.length < 2 || t.length > 40) return null;
  if (CJK.test(t)) return STOP_TERMS.has(t) || !/^[\u3400-\u9fffA-Za-z0-9.+-]+$/.test(t) ? null : t;
  return LATIN_WORD.test(t) ? t.toUpperCase() : null;
}
