"""How alike two systems' functions are: jieba (search mode) words, stop words and generic terms removed, compared
with rapidfuzz on the space-joined words. Scores are 0–1 with two decimals.

The score is the mean of token_set_ratio (same words, any order, extra words forgiven) and token_sort_ratio (the
whole texts): token_set_ratio alone gives 1.0 whenever one text's words are a subset of the other's, so a short
function such as "业务办理" would match every text that mentions 办理.
"""

import logging
import re
import threading

from django.conf import settings

__all__ = ["STOP_WORDS", "SimilarityIndex", "function_tokens", "similarity"]

# Generic terms nearly every system's function uses (they say nothing about what it does); single characters,
# function words included, are dropped anyway.
STOP_WORDS = frozenset((
    "以及", "并且", "各类", "各种", "有关", "相关", "进行", "实现", "提供", "用于", "通过", "包括",
    "开展", "负责", "主要", "功能", "系统", "平台", "信息", "信息化", "管理", "管理系统", "业务", "工作",
    "服务", "数据", "支撑", "支持", "统一", "全市", "全省", "全县", "一个", "一体化", "综合", "应用",
    "模块", "能力", "方面", "情况", "日常", "基础", "建设", "使用", "用户", "部门", "单位", "相应",
    "需要", "可以", "能够", "有效", "同时", "其他",
))
_PUNCTUATION = re.compile(r"^[\W_]+$", re.UNICODE)

_jieba = None
_jieba_lock = threading.Lock()


def _segmenter():
    """jieba, initialised once on first use, quietly, with its cache in the data directory."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.dt.tmp_dir = str(settings.DATA_DIR)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def function_tokens(text) -> list[str]:
    """The meaningful words of a function text, in order, lower-cased: no stop words, punctuation or single
    characters (jieba's single characters are mostly particles)."""
    words = []
    for word in _segmenter().lcut_for_search(str(text or "")):
        word = word.strip().lower()
        if len(word) < 2 or word in STOP_WORDS or _PUNCTUATION.match(word):
            continue
        words.append(word)
    return words


def _joined(text) -> str:
    return " ".join(function_tokens(text))


def _score(first: str, second: str) -> float:
    from rapidfuzz import fuzz

    if not first or not second:
        return 0.0
    value = (fuzz.token_set_ratio(first, second) + fuzz.token_sort_ratio(first, second)) / 200
    return round(value, 2)


def similarity(first_text, second_text) -> float:
    """How alike two function texts are, 0–1."""
    return _score(_joined(first_text), _joined(second_text))


class SimilarityIndex:
    """The function words of many systems, segmented once, to compare one text with all of them or all pairs."""

    def __init__(self, systems):
        self.systems = list(systems)
        self.texts = [_joined(system.function) for system in self.systems]

    def matches(self, text, *, threshold, exclude_ids=()) -> list[tuple]:
        """(system, score) with score ≥ threshold, best first."""
        joined = _joined(text)
        found = []
        for system, other in zip(self.systems, self.texts, strict=True):
            if system.pk in exclude_ids:
                continue
            score = _score(joined, other)
            if score >= threshold:
                found.append((system, score))
        found.sort(key=lambda pair: (-pair[1], pair[0].pk))
        return found

    def pairs(self, *, threshold, among=None) -> list[tuple]:
        """Every pair (first, second, score) with score ≥ threshold, first having the lower id; with `among` (ids),
        only the pairs with at least one of those systems."""
        found = []
        count = len(self.systems)
        for i in range(count):
            inside = among is None or self.systems[i].pk in among
            for j in range(i + 1, count):
                if not inside and self.systems[j].pk not in among:
                    continue
                score = _score(self.texts[i], self.texts[j])
                if score >= threshold:
                    first, second = self.systems[i], self.systems[j]
                    if first.pk > second.pk:
                        first, second = second, first
                    found.append((first, second, score))
        return found
