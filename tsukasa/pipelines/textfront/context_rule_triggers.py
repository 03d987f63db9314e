"""pyopenjtalk-plus's context reading rules, called only for the words they can act on.

``pyopenjtalk._context_reading.modify_context_reading`` walks every word of a sentence and calls
each of its rules there: the *independent* rules all apply, then the *exclusive* ones in order
until one applies. That is ~60 Python calls a word, two thirds of the library's front-end time.
Each rule, read in the supported version, acts only where the word at its position is written one
of a few ways (寺, 方, 面: :data:`TRIGGERS`), so :func:`modify_context_reading` here calls it only
there — in the library's order, with the same break — and leaves every other word to the rules
whose gate is not a written form (None: called at every word, as the library does).

The rule order is the library's (:data:`INDEPENDENT`, :data:`EXCLUSIVE`, copied from its
``modify_context_reading``; a test reads them back from the installed source), and the results
are compared with the library's own on JSUT, the rules' own examples and fuzzed text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

# modify_context_reading's two loops in pyopenjtalk-plus 0.4.1-post10, in its order.
INDEPENDENT = (
    "_read_hair_tying_motoyui",
    "_read_verdict_kokubyaku",
    "_read_awakening_kaigen",
    "_read_sonohoka",
    "_read_comparative_yoi",
    "_read_figurative_asu",
    "_read_petal_kaben",
    "_read_dull_niburu",
    "_read_water_surface_omote",
    "_read_ametsuchi",
    "_read_municipal_enumeration",
    "_read_origin_moto",
    "_read_water_master_nushi",
    "_read_musashi_name",
    "_read_old_loom_hata",
    "_read_central_kaname",
    "_read_melodic_fushi",
    "_read_enduring_taeru",
    "_read_shrine_yashiro",
    "_read_impurity_kegare",
    "_read_giving_up_ne",
    "_read_cloth_beniiro",
    "_read_disability_enumeration",
    "_read_ichiban_suki",
)
EXCLUSIVE = (
    "_read_nannimo",
    "_read_face_omote",
    "_read_capsized_kutsugae",
    "_read_edge_kiwa",
    "_read_chanted_shomyo",
    "_read_hemp_cloth_asanuno",
    "_read_age_before_twenty",
    "_read_age_past_twenty",
    "_read_counted_too",
    "_read_all_day_juu",
    "_read_kin",
    "_read_mae_after_sahen_noun",
    "_read_by_adjacent_word",
    "_read_futsu_parenthetical_country",
    "_read_kamei_after_person_name",
    "_read_to_administration",
    "_read_you_auxiliary",
    "_read_kami_era_yo",
    "_read_abstract_moto",
    "_read_digit_position",
    "_read_bashi_suffix",
    "_read_mono",
    "_read_compound_iru",
    "_read_leave_houtte",
    "_read_ooyake",
    "_read_handle_e_or_tsuka",
    "_read_rim_fuchi",
    "_read_teahouse_jaya",
    "_read_honorific_ou",
    "_read_tokoro",
    "_read_shiita",
    "_read_sourou",
    "_read_hoka",
    "_read_compound_suffix",
    "_read_ra_or_tou",
)


def _triggers(m: Any) -> dict[str, frozenset[str] | None]:
    """For each rule: the written forms of the word at its position for which it can change a
    feature or return True (None: not a finite set of forms; called at every word). Each gate, as
    read in the library's source, is noted beside its rule."""
    return {
        # ---- independent rules ----
        "_read_hair_tying_motoyui": frozenset({"元結"}),  # feature["string"] == "元結"
        "_read_verdict_kokubyaku": frozenset({"黒白"}),  # feature["string"] == "黒白"
        "_read_awakening_kaigen": frozenset({"開眼"}),  # feature["string"] == "開眼"
        "_read_sonohoka": frozenset({"その他"}),  # njd_features[index]["string"] == "その他"
        "_read_comparative_yoi": frozenset({"より良い", "良い"}),  # surface == "より良い" / elif surface == "良い"
        "_read_figurative_asu": frozenset({"明日"}),  # feature["string"] == "明日"
        "_read_petal_kaben": frozenset({"花弁"}),  # feature["string"] == "花弁"
        "_read_dull_niburu": None,  # gated on feature["orig"] == "鈍る" and read.startswith("ナマ"), not on string
        "_read_water_surface_omote": frozenset({"水の面", "面"}),  # surface == "水の面" or surface == "面"
        "_read_ametsuchi": frozenset({"天地"}),  # feature["string"] == "天地"
        "_read_municipal_enumeration": frozenset({"町", "村"}),  # surface in {"町", "村"}
        "_read_origin_moto": frozenset({"本"}),  # feature["string"] == "本"
        "_read_water_master_nushi": frozenset({"主として"}),  # feature["string"] == "主として"
        "_read_musashi_name": frozenset({"六"}),  # njd_features[index]["string"] == "六" (also rewrites index+1, +2)
        "_read_old_loom_hata": frozenset({"機"}),  # feature["string"] == "機"
        "_read_central_kaname": frozenset({"要"}),  # feature["string"] == "要"
        "_read_melodic_fushi": frozenset({"節"}),  # feature["string"] == "節"
        "_read_enduring_taeru": None,  # gated on feature["orig"] == "堪える" + read prefix, not on string
        "_read_shrine_yashiro": frozenset({"社"}),  # feature["string"] == "社"
        "_read_impurity_kegare": frozenset({"汚れ"}),  # feature["string"] == "汚れ"
        "_read_giving_up_ne": frozenset({"音"}),  # feature["string"] == "音"
        "_read_cloth_beniiro": frozenset({"紅色"}),  # feature["string"] == "紅色" (may also edit previous "薄")
        "_read_disability_enumeration": frozenset({"盲", "聾"}),  # surface in {"盲", "聾"}
        "_read_ichiban_suki": frozenset({"好き"}),  # feature["string"] == "好き"
        # ---- exclusive rules ----
        "_read_nannimo": frozenset({"何"}),  # feature["string"] == "何"
        "_read_face_omote": frozenset({"面"}),  # not (feature["string"] == "面" and ...) -> False
        "_read_capsized_kutsugae": frozenset({"覆っ"}),  # feature["string"] == "覆っ"
        "_read_edge_kiwa": frozenset({"際"}),  # feature["string"] == "際"
        "_read_chanted_shomyo": frozenset({"声明"}),  # feature["string"] == "声明"
        "_read_hemp_cloth_asanuno": frozenset({"麻布"}),  # feature["string"] == "麻布"
        "_read_age_before_twenty": frozenset({"二"}),  # feature["string"] == "二" (also rewrites following "十")
        "_read_age_past_twenty": frozenset({"二"}),  # feature["string"] == "二" (also rewrites following "十")
        "_read_counted_too": frozenset({"十"}),  # feature["string"] == "十"
        "_read_all_day_juu": frozenset({"中"}),  # feature["string"] == "中"
        "_read_kin": frozenset({"金"}),  # if string != "金": return False
        "_read_mae_after_sahen_noun": frozenset({"前"}),  # string == "前"
        # _ADJACENT_WORD_READINGS.get(feature["string"], ())
        "_read_by_adjacent_word": frozenset(m._ADJACENT_WORD_READINGS),
        "_read_futsu_parenthetical_country": frozenset({"仏"}),  # string == "仏"
        "_read_kamei_after_person_name": frozenset({"仮名"}),  # string == "仮名"
        "_read_to_administration": frozenset({"都"}),  # string == "都"
        "_read_you_auxiliary": frozenset({"様"}),  # string == "様"
        "_read_kami_era_yo": frozenset({"代"}),  # feature["string"] == "代"
        "_read_abstract_moto": frozenset({"下"}),  # feature["string"] == "下"
        "_read_digit_position": frozenset({"下", "上"}),  # surface in {"下", "上"}
        "_read_bashi_suffix": frozenset({"橋"}),  # feature["string"] == "橋"
        "_read_mono": frozenset({"者"}),  # string == "者"
        "_read_compound_iru": frozenset({"入っ"}),  # string == "入っ"
        "_read_leave_houtte": frozenset({"放っ"}),  # if string != "放っ": return False
        "_read_ooyake": frozenset({"公"}),  # feature["string"] == "公"
        "_read_handle_e_or_tsuka": frozenset({"柄"}),  # string == "柄" (returns True even without rewrite)
        "_read_rim_fuchi": frozenset({"縁"}),  # string == "縁"
        "_read_teahouse_jaya": frozenset({"茶屋"}),  # string == "茶屋"
        "_read_honorific_ou": frozenset({"翁"}),  # string == "翁"
        "_read_tokoro": frozenset({"処"}),  # string == "処"
        "_read_shiita": frozenset({"強い"}),  # feature["string"] == "強い"
        "_read_sourou": frozenset({"候"}),  # string == "候"
        "_read_hoka": frozenset({"外"}),  # string == "外" (returns True even without rewrite)
        "_read_compound_suffix": frozenset(m._COMPOUND_SUFFIX_READINGS),  # surface in _COMPOUND_SUFFIX_READINGS
        "_read_ra_or_tou": frozenset({"等"}),  # if string != "等" ...: return False
    }


Rule = Callable[[list[dict], int], Any]
Table = dict[str, tuple[tuple[Rule, ...], tuple[Rule, ...]]]


@lru_cache(maxsize=1)
def dispatch_tables() -> tuple[Table, tuple[Rule, ...], tuple[Rule, ...]]:
    """(rules by written form, independent rules for every word, exclusive rules for every word).

    A form's entry holds its independent and exclusive rules merged with the every-word ones, each
    list in the library's order, so a word needs one dictionary look-up."""
    import pyopenjtalk._context_reading as m

    triggers = _triggers(m)
    rules = {name: getattr(m, name) for name in (*INDEPENDENT, *EXCLUSIVE)}  # AttributeError: other version
    forms = sorted({form for name in rules if triggers.get(name) for form in triggers[name]})  # type: ignore[union-attr]

    def acting(names: tuple[str, ...], form: str | None) -> tuple[Rule, ...]:
        return tuple(
            rules[n]
            for n in names
            if triggers.get(n) is None or (form is not None and form in triggers[n])  # type: ignore[operator]
        )

    table = {form: (acting(INDEPENDENT, form), acting(EXCLUSIVE, form)) for form in forms}
    return table, acting(INDEPENDENT, None), acting(EXCLUSIVE, None)


def modify_context_reading(features: list[dict]) -> list[dict]:
    """The library's ``modify_context_reading``, each rule called only where it can act."""
    from pyopenjtalk import fill_missing_feature_flags

    table, independent, exclusive = dispatch_tables()
    fill_missing_feature_flags(features)  # as the library's does first
    default = (independent, exclusive)
    for index in range(len(features)):
        # a rule may rewrite the word's reading, never its written form, so one look-up holds
        ind, exc = table.get(features[index]["string"], default)
        for rule in ind:
            rule(features, index)
        for rule in exc:
            if rule(features, index):
                break
    return features
