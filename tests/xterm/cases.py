"""The xterm conformance cases: what a program sends, and the questions it then asks.

Each case starts from a reset terminal of 80x24 (RIS, then a resize back to 80x24), writes
its `setup` (a list of chunks; "@sleep N" waits N seconds, for the X server to act on a
window request), then sends each query and records the reply. After that every case asks
for the cursor position (CPR and DECXCPR), leaves origin mode, and asks for a DECRQCRA
checksum of every line; finally the screen's text is read.

record.py runs these in real xterm 379 and stores what it answered in xterm379.json; the
terminal core's tests (crates/terminal/src/xterm_tests.rs) replay the same bytes and compare.
"""

E = "\x1b"
C = "\x1b["
ST = "\x1b\\"
BEL = "\x07"
DCS = "\x1bP"


def rqss(what):
    return f"{DCS}$q{what}{ST}"


# Ten lines of distinct text, to see what moves where.
FILL = "".join(f"{C}{r};1H{chr(0x41 + r)}{''.join(chr(0x30 + (c % 10)) for c in range(1, 40))}"
               for r in range(1, 11)) + f"{C}1;1H"

ANSI_MODES = [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
DEC_MODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 25, 40, 41, 42, 45, 47, 66, 67, 69, 80, 95,
             1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1015, 1016, 1034, 1035,
             1036, 1037, 1039, 1040, 1041, 1042, 1043, 1046, 1047, 1048, 1049, 2004,
             2026, 9999]

CASES = [
    # --- reports
    {"name": "cpr_plain", "setup": [f"{C}5;10H"], "queries": []},
    {"name": "cpr_origin_margins", "setup": [f"{C}5;20r{C}?6h{C}3;4H"], "queries": []},
    {"name": "cpr_origin_left_right", "setup": [f"{C}?69h{C}10;40s{C}5;20r{C}?6h{C}2;3H"],
     "queries": []},
    {"name": "cpr_origin_clamped", "setup": [f"{C}5;10r{C}?6h{C}30;100H"], "queries": []},
    {"name": "cpr_pending_wrap", "setup": [f"{C}1;75H" + "x" * 6], "queries": []},
    {"name": "decrqm_ansi_default", "setup": [],
     "queries": [f"{C}{m}$p" for m in ANSI_MODES]},
    {"name": "decrqm_ansi_set", "setup": [f"{C}4h{C}20h{C}12l"],
     "queries": [f"{C}{m}$p" for m in (4, 12, 20)]},
    {"name": "decrqm_dec_default", "setup": [],
     "queries": [f"{C}?{m}$p" for m in DEC_MODES]},
    {"name": "decrqm_dec_set",
     "setup": [f"{C}?1h{C}?5h{C}?6h{C}?7l{C}?12h{C}?25l{C}?40h{C}?45h{C}?66h{C}?67h{C}?69h"
               f"{C}?1000h{C}?1002h{C}?1004h{C}?1006h{C}?1007l{C}?1049h{C}?2004h"],
     "queries": [f"{C}?{m}$p" for m in (1, 5, 6, 7, 12, 25, 40, 45, 66, 67, 69, 1000, 1002,
                                         1003, 1004, 1006, 1007, 1047, 1049, 2004)]},
    {"name": "decrqss_sgr", "setup": [f"{C}1;3;4;7;31;42m"], "queries": [rqss("m")]},
    {"name": "decrqss_sgr_default", "setup": [], "queries": [rqss("m")]},
    {"name": "decrqss_sgr_256_and_direct", "setup": [f"{C}38;5;100;48;2;10;20;30m"],
     "queries": [rqss("m")]},
    {"name": "decrqss_margins", "setup": [f"{C}5;20r{C}?69h{C}10;40s"],
     "queries": [rqss("r"), rqss("s")]},
    {"name": "decrqss_margins_default", "setup": [], "queries": [rqss("r"), rqss("s")]},
    {"name": "decrqss_cursor_style", "setup": [f"{C}4 q"], "queries": [rqss(" q")]},
    {"name": "decrqss_conformance", "setup": [], "queries": [rqss('"p')]},
    {"name": "decrqss_conformance_set", "setup": [f'{C}62;1"p'], "queries": [rqss('"p')]},
    {"name": "decrqss_protection", "setup": [f'{C}1"q'], "queries": [rqss('"q')]},
    {"name": "decrqss_protection_default", "setup": [], "queries": [rqss('"q')]},
    {"name": "decrqss_attribute_change_extent", "setup": [f"{C}2*x"], "queries": [rqss("*x")]},
    {"name": "decrqss_invalid", "setup": [], "queries": [rqss("zz"), rqss("")]},
    {"name": "dsr_variants", "setup": [],
     "queries": [f"{C}5n", f"{C}?15n", f"{C}?25n", f"{C}?26n", f"{C}?53n", f"{C}?55n",
                 f"{C}?56n", f"{C}?62n", f"{C}?63;1n", f"{C}?75n", f"{C}?85n"]},
    {"name": "device_attributes", "setup": [],
     "queries": [f"{C}c", f"{C}0c", f"{C}>c", f"{C}>0c", f"{C}=c", f"{C}>0q"]},
    {"name": "colour_queries_keep_the_terminator",
     "setup": [f"{E}]10;#112233{BEL}{E}]11;rgb:44/55/66{ST}{E}]12;#abc{BEL}"
               f"{E}]4;1;#102030{BEL}{E}]4;200;rgb:ff/80/00{ST}"],
     "queries": [f"{E}]10;?{BEL}", f"{E}]10;?{ST}", f"{E}]11;?{ST}", f"{E}]12;?{BEL}",
                 f"{E}]4;1;?{BEL}", f"{E}]4;200;?{ST}", f"{E}]4;1;?;200;?{ST}"]},
    # --- window operations
    {"name": "xtwinops_reports", "setup": [],
     "queries": [f"{C}18t", f"{C}11t", f"{C}20t", f"{C}21t", f"{C}22;0t{C}23;0t"]},
    {"name": "xtwinops_resize", "setup": [f"{C}8;30;100t", "@sleep 0.5"],
     "queries": [f"{C}18t"]},
    {"name": "xtwinops_resize_keeps_text",
     "setup": [FILL, f"{C}8;20;60t", "@sleep 0.5"], "queries": [f"{C}18t"]},
    # --- DECRQCRA
    {"name": "checksum_blank", "setup": [], "queries": [f"{C}1;1;1;1;24;80*y"]},
    {"name": "checksum_text", "setup": ["Hello, World"],
     "queries": [f"{C}7;1;1;1;1;12*y", f"{C}8;1;1;1;1;1*y", f"{C}9;1;1;13;1;13*y"]},
    {"name": "checksum_attributes",
     "setup": [f"{C}1mA{C}0m{C}4mB{C}0m{C}5mC{C}0m{C}7mD{C}0m{C}8mE{C}0m{C}2mF{C}0m"
               f"{C}3mG{C}0m{C}9mH{C}0m{C}31mI{C}0m{C}41mJ{C}0m{C}1;4;7mK{C}0m"],
     "queries": [f"{C}{i};1;1;{i};1;{i}*y" for i in range(1, 12)]},
    {"name": "checksum_origin_relative",
     "setup": [f"{C}5;10r{C}?69h{C}20;40s{C}?6h" + "ABC"],
     "queries": [f"{C}1;1;1;1;1;3*y", f"{C}2;1;5;20;5;22*y"]},
    {"name": "checksum_wide_and_erased",
     "setup": ["\u6f22\u5b57 x", f"{C}2;1H   y{C}3;1H" + "z" * 5 + f"{C}3;2H{C}2X"],
     "queries": [f"{C}1;1;1;1;1;6*y", f"{C}2;1;2;1;2;4*y", f"{C}3;1;3;1;3;5*y"]},
    # --- soft reset
    {"name": "decstr",
     "setup": [f"{C}5;20r{C}?69h{C}10;40s{C}?6h{C}4h{C}?7l{C}3;3H{E}7{C}1;31m{E}(0"
               f"{C}?25l{C}?1h{E}={C}1\"q{C}!p" + "qqq"],
     "queries": [f"{C}?6$p", f"{C}4$p", f"{C}?7$p", f"{C}?25$p", f"{C}?1$p", f"{C}?66$p",
                 f"{C}?69$p", rqss("m"), rqss("r"), rqss("s"), rqss('"q')]},
    {"name": "decstr_restores_saved_cursor",
     "setup": [f"{C}10;10H{E}7{C}1;1H{C}!p{E}8" + "X"], "queries": []},
    # --- left/right margins
    {"name": "lr_print_wraps_inside", "setup": [f"{C}?69h{C}5;10s{C}1;5H" + "ABCDEFGHIJKLMNOP"],
     "queries": []},
    {"name": "lr_insert_delete_lines", "setup": [FILL, f"{C}?69h{C}5;15s{C}3;6H{C}2L{C}6;6H{C}1M"],
     "queries": []},
    {"name": "lr_insert_delete_lines_outside",
     "setup": [FILL, f"{C}?69h{C}5;15s{C}3;20H{C}2L"], "queries": []},
    {"name": "lr_insert_delete_chars", "setup": [FILL, f"{C}?69h{C}5;15s{C}2;8H{C}3@{C}4;8H{C}2P"],
     "queries": []},
    {"name": "lr_scroll_up_down", "setup": [FILL, f"{C}?69h{C}5;15s{C}2;8r{C}2S{C}1T"],
     "queries": []},
    {"name": "lr_index_reverse_index",
     "setup": [FILL, f"{C}?69h{C}5;15s{C}3;6r{C}6;8H{E}D{C}3;8H{E}M"], "queries": []},
    {"name": "lr_back_forward_index",
     "setup": [FILL, f"{C}?69h{C}5;15s{C}1;5H{E}6{C}2;15H{E}9{C}3;10H{E}6"], "queries": []},
    {"name": "lr_insert_delete_columns",
     "setup": [FILL, f"{C}?69h{C}5;15s{C}2;8r{C}3;8H{C}2'}}{C}3;12H{C}1'~"], "queries": []},
    {"name": "lr_reset_by_mode_off", "setup": [f"{C}?69h{C}5;10s{C}?69l{C}1;5H" + "ABCDEFGHIJ"],
     "queries": [rqss("s")]},
    # --- rectangles and selective erase
    {"name": "rect_erase", "setup": [FILL, f"{C}2;3;4;8$z"], "queries": []},
    {"name": "rect_fill", "setup": [FILL, f"{C}42;2;3;4;8$x"], "queries": []},
    {"name": "rect_copy", "setup": [FILL, f"{C}1;1;2;5;1;6;20;1$v"], "queries": []},
    {"name": "selective_erase_rect",
     "setup": [f"{C}1\"qPROT{C}0\"qfree{C}2;1H{C}1\"qP{C}0\"qf", f"{C}1;1;2;10${{"],
     "queries": []},
    {"name": "selective_erase_display_and_line",
     "setup": [f"{C}1\"qKEEP{C}0\"qgone{C}2;1Hgone{C}1\"qKEEP{C}0\"q{C}1;1H{C}?K{C}2;1H{C}?J"],
     "queries": []},
    {"name": "erase_ignores_protection",
     "setup": [f"{C}1\"qPROT{C}0\"q{C}1;1H{C}2K"], "queries": []},
    {"name": "rect_change_attributes",
     "setup": [FILL, f"{C}2;2;3;6;1;4$r{C}4;2;4;6;7$r"],
     "queries": [f"{C}{i};1;{r};{c};{r};{c}*y" for i, (r, c) in
                 enumerate([(2, 2), (3, 6), (2, 7), (4, 4)], 1)]},
    {"name": "rect_reverse_attributes",
     "setup": [FILL, f"{C}1;3;4$r{C}1;1;3;4;1$t"],
     "queries": [f"{C}{i};1;1;{c};1;{c}*y" for i, c in enumerate([1, 2, 3, 4, 5], 1)]},
    {"name": "attribute_change_extent_stream",
     "setup": [FILL, f"{C}2*x{C}2;30;3;5;4$r"],
     "queries": [f"{C}{i};1;{r};{c};{r};{c}*y" for i, (r, c) in
                 enumerate([(2, 29), (2, 30), (2, 40), (3, 1), (3, 5), (3, 6)], 1)]},
    # --- character sets
    {"name": "dec_special_graphics", "setup": [f"{E}(0jklmnqtuvwx`afg~{E}(B abc"], "queries": []},
    {"name": "g1_shift_out", "setup": [f"{E})0a\x0ejkl\x0fjkl"], "queries": []},
    {"name": "g2_g3_locking_shifts",
     "setup": [f"{E}*0{E}+A{E}nqqq{E}o#{E}(B{C}2;1H{E}}}abc"], "queries": []},
    {"name": "single_shifts", "setup": [f"{E}*0{E}+A{E}Nq{E}O#q#"], "queries": []},
    {"name": "uk_set", "setup": [f"{E}(A#a#{E}(B#"], "queries": []},
    {"name": "dec_supplemental_and_technical",
     "setup": [f"{E}(<\xa1\xa9{E}(B{E}(>{E}(B", f"{E}(<abc{E}(B{E}(>abcDEF{E}(B"], "queries": []},
    {"name": "nrcs_needs_mode_42", "setup": [f"{E}(K[\\]{{|}}~{E}(B"], "queries": []},
    {"name": "nrcs_german", "setup": [f"{C}?42h{E}(K[\\]{{|}}~{E}(B@"], "queries": []},
    {"name": "nrcs_french", "setup": [f"{C}?42h{E}(R#@[\\]{{|}}~{E}(B"], "queries": []},
    # --- XTSAVE / XTRESTORE, 8-bit controls, conformance levels, DECCOLM
    {"name": "xtsave_xtrestore",
     "setup": [f"{C}?1;7;25;1000s{C}?1h{C}?7l{C}?25l{C}?1000h{C}?1;7;25;1000r"],
     "queries": [f"{C}?1$p", f"{C}?7$p", f"{C}?25$p", f"{C}?1000$p"]},
    {"name": "s8c1t_replies", "setup": [f"{E} G"], "queries": [f"{C}6n", f"{C}>c", rqss("m")]},
    {"name": "s7c1t_after_s8c1t", "setup": [f"{E} G{E} F"], "queries": [f"{C}6n"]},
    {"name": "decscl_levels", "setup": [f'{C}61"p'], "queries": [rqss('"p'), f"{C}c"]},
    {"name": "decscl_8bit", "setup": [f'{C}63;0"p'], "queries": [rqss('"p'), f"{C}6n"]},
    {"name": "deccolm_132", "setup": [FILL, f"{C}5;10r{C}?40h{C}?3h", "@sleep 0.5"],
     "queries": [f"{C}18t", rqss("r"), f"{C}?3$p"]},
    {"name": "deccolm_back_to_80",
     "setup": [f"{C}?40h{C}?3h", "@sleep 0.5", FILL, f"{C}?3l", "@sleep 0.5"],
     "queries": [f"{C}18t", f"{C}?3$p"]},
    {"name": "deccolm_not_allowed", "setup": [FILL, f"{C}?40l{C}?3h", "@sleep 0.5"],
     "queries": [f"{C}18t", f"{C}?3$p"]},
    # --- odds and ends programs rely on
    {"name": "backspace_from_pending_wrap", "setup": [f"{C}1;79Habc\x08X"], "queries": []},
    {"name": "tab_stops", "setup": [f"{C}3g{C}1;5H{E}H{C}1;20H{E}H{C}1;1H\tA\tB\tC{C}2;30H{C}2ZD"],
     "queries": []},
    {"name": "repeat", "setup": [f"ab{C}3b{C}2;1H\u6f22{C}2b"], "queries": []},
    {"name": "insert_mode", "setup": [f"abcdef{C}1;3H{C}4hXY{C}4l"], "queries": []},
    {"name": "decaln", "setup": [f"{C}5;10r{C}?6h{E}#8"], "queries": []},
]


def osc(body, st=BEL):
    return f"{E}]{body}{st}"


# Colour specifications as XParseColor reads them: each is set as its own palette colour (16
# and up) and then queried (xterm answers with what the X server allocated: 8 bits a channel on a TrueColor
# visual, reported as 16).
COLOUR_SPECS = [
    "rgb:f/8/0", "rgb:ffff/8000/0000", "rgb:12/345/6789", "RGB:a/b/c", "rgbi:1/0.5/0",
    "rgbi:0.25/0.5/0.75", "rgbi:1e-1/.5/1.0", "CIEXYZ:0.5/0.5/0.5", "CIEXYZ:0.3/0.2/0.6",
    "CIEuvY:0.2/0.45/0.5", "CIExyY:0.3/0.3/0.5", "CIELab:50/20/-30", "CIELuv:50/20/-30",
    "TekHVC:180/50/30", "TekHVC:0/100/0", "#f80", "#ff8000", "#fff888000", "#ffff88880000",
    "#FfA", "red", "Red", "RED", "Dark Slate Gray", "darkslategray", "DarkSlateGray",
    "light goldenrod yellow", "LightGoldenrodYellow", "gray50", "grey100", "navy blue",
    "medium spring green", "DebianRed", "nosuchcolour", "#12345", "#", "rgb:1/2", "rgb:/1/2",
    "rgb:12345/1/2", "rgbi:2/0/0", "rgbi:a/b/c", "CIEXYZ:2/0/0", " red", "red ",
]

# DEC private modes: every one xterm 379 knows (ctlseqs), the DEC ones it answers
# "permanently" for, and a few it does not know.
ALL_DEC_MODES = ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 18, 19, 25, 30, 34, 35, 36, 38,
                  40, 41, 42, 44, 45, 46, 47, 57, 60, 61, 64, 66, 67, 68, 69, 73, 80, 81, 95,
                  96, 97, 98, 99, 100, 101, 102, 103, 104, 106, 108, 109, 110, 111, 112, 113,
                  114, 115, 116, 117, 1001, 1010, 1011, 1014, 1015, 1016, 1035, 1040, 1041,
                  1042, 1043, 1044, 1045, 1046, 1050, 1051, 1052, 1053, 1060, 1061, 2001, 2002,
                  2003, 2005, 2006, 2027, 8452])

TITLES = [f"{C}20t", f"{C}21t"]

PARITY_CASES = [
    # --- reverse wraparound (45) and xterm's extended reverse wraparound (1045)
    {"name": "rw_off_bs_at_left", "setup": [f"{C}3;1H\bX"], "queries": []},
    {"name": "rw_bs_at_left", "setup": [f"{C}?45h{C}3;1H\bX"], "queries": []},
    {"name": "rw_cub_across_lines", "setup": [f"{C}?45h{C}3;3H{C}5DX{C}4;2H{C}85DY"],
     "queries": []},
    {"name": "rw_top_line_stays", "setup": [f"{C}?45h{C}1;1H\b\bX"], "queries": []},
    {"name": "rw_needs_autowrap", "setup": [f"{C}?45h{C}?7l{C}3;1H\bX"], "queries": []},
    {"name": "rw_from_pending_wrap", "setup": [f"{C}?45h{C}2;78Habc\b\bX"], "queries": []},
    {"name": "rw_from_pending_wrap_cub", "setup": [f"{C}?45h{C}2;78Habc{C}3DX"], "queries": []},
    {"name": "rw_lr_margins", "setup": [f"{C}?45h{C}?69h{C}10;20s{C}3;10H\bX{C}4;10H{C}3DY"],
     "queries": []},
    {"name": "rw_scroll_region", "setup": [f"{C}?45h{C}5;10r{C}5;1H\bX{C}6;1H\bY"],
     "queries": []},
    {"name": "rw_extended_top_to_bottom", "setup": [f"{C}?1045h{C}1;1H\bX"], "queries": []},
    {"name": "rw_extended_region", "setup": [f"{C}?1045h{C}5;10r{C}5;1H\bX"], "queries": []},
    {"name": "rw_extended_cub", "setup": [f"{C}?1045h{C}1;2H{C}3DX"], "queries": []},
    {"name": "rw_modes_reported", "setup": [f"{C}?45h{C}?1045h"],
     "queries": [f"{C}?45$p", f"{C}?1045$p"]},
    # --- ISO protected areas (SPA/EPA) against ED, EL, ECH and the selective erases
    {"name": "spa_ed_below",
     "setup": [f"{E}VPROT{E}Wfree{C}2;1Hmore{E}VP{E}W{C}1;1H{C}J"], "queries": []},
    {"name": "spa_ed_all", "setup": [f"ab{E}VPROT{E}Wfree{C}2J"], "queries": []},
    {"name": "spa_el", "setup": [f"ab{E}VPROT{E}Wfree{C}1;2H{C}K{C}2;1Hx{E}VY{E}Wz{C}2K"],
     "queries": []},
    {"name": "spa_ech", "setup": [f"ab{E}VPROT{E}Wfree{C}1;1H{C}20X"], "queries": []},
    {"name": "spa_selective_erase", "setup": [f"ab{E}VPROT{E}Wfree{C}1;1H{C}?K"],
     "queries": []},
    {"name": "spa_then_decsca", "setup": [f"{E}VPROT{E}W{C}1\"qDEC{C}0\"qx{C}1;1H{C}K"],
     "queries": []},
    {"name": "spa_decstr_rqss", "setup": [f"{E}VPROT{E}W"], "queries": [rqss('"q')]},
    {"name": "spa_rect_erase", "setup": [f"ab{E}VPROT{E}Wfree{C}1;1;1;20$z"], "queries": []},
    {"name": "spa_delete_and_insert",
     "setup": [f"ab{E}VPROT{E}Wfree{C}1;1H{C}2P{C}2;1H{E}VP{E}W{C}2;1H{C}3@"], "queries": []},
    # --- colour specifications (XParseColor)
    {"name": "colour_specs", "setup": [],
     "queries": [q for i, s in enumerate(COLOUR_SPECS, 16)
                 for q in (osc(f"4;{i};{s}"), osc(f"4;{i};?"))]},
    {"name": "colour_several_pairs",
     "setup": [osc("4;1;red;2;#00ff00;3;rgb:0/0/f"), osc("4;4;bogus;5;blue")],
     "queries": [osc("4;1;?;2;?;3;?;4;?;5;?"), osc("4;1;?;bogus;2;?")]},
    {"name": "dynamic_colours_chained",
     "setup": [osc("10;red;blue;green"), osc("13;#010203;#040506;#070809;#0a0b0c;#0d0e0f;#101112;#131415")],
     "queries": [osc(f"{n};?") for n in range(10, 20)] + [osc("10;?;?;?"), osc("17;?;?;?")]},
    {"name": "dynamic_colours_defaults", "setup": [],
     "queries": [osc(f"{n};?") for n in range(10, 20)]},
    {"name": "dynamic_colour_names", "setup": [osc("10;Light Sea Green"), osc("11;gray10"),
                                               osc("12;NavyBlue")],
     "queries": [osc("10;?"), osc("11;?"), osc("12;?")]},
    {"name": "colour_resets",
     "setup": [osc("4;1;red;2;green;3;blue;200;#123456"), osc("104;1;3"), osc("10;red"),
               osc("11;blue"), osc("12;green"), osc("110"), osc("112")],
     "queries": [osc("4;1;?;2;?;3;?;200;?"), osc("10;?"), osc("11;?"), osc("12;?")]},
    {"name": "colour_reset_all", "setup": [osc("4;1;red;2;green;200;#123456"), osc("104")],
     "queries": [osc("4;1;?;2;?;200;?")]},
    {"name": "colour_reset_empty_params", "setup": [osc("4;1;red;2;green"), osc("104;")],
     "queries": [osc("4;1;?;2;?")]},
    {"name": "dynamic_resets_more",
     "setup": [osc("13;#010203;#040506;#070809;#0a0b0c;#0d0e0f;#101112;#131415"),
               osc("113"), osc("117"), osc("119")],
     "queries": [osc(f"{n};?") for n in range(13, 20)]},
    {"name": "special_colours",
     "setup": [osc("5;0;red;1;#00ff00;2;blue;3;#123456;4;rgb:ff/ff/0")],
     "queries": [osc(f"5;{i};?") for i in range(5)] + [osc("4;256;?"), osc("4;260;?"),
                                                       osc("5;0;?;4;?")]},
    {"name": "special_colours_defaults", "setup": [],
     "queries": [osc(f"5;{i};?") for i in range(5)]},
    {"name": "special_colours_via_osc4", "setup": [osc("4;257;#abcdef")],
     "queries": [osc("5;1;?")]},
    {"name": "special_colour_resets",
     "setup": [osc("5;0;red;1;#00ff00;2;blue;3;#123456;4;rgb:ff/ff/0"), osc("105;0;2")],
     "queries": [osc(f"5;{i};?") for i in range(5)]},
    {"name": "special_colour_reset_all",
     "setup": [osc("5;0;red;1;#00ff00;2;blue;3;#123456;4;rgb:ff/ff/0"), osc("105")],
     "queries": [osc(f"5;{i};?") for i in range(5)]},
    # --- DECRQM for every DEC private mode
    {"name": "decrqm_every_dec_mode", "setup": [],
     "queries": [f"{C}?{m}$p" for m in ALL_DEC_MODES]},
    {"name": "decrqm_dec_modes_set",
     "setup": [f"{C}?{m}h" for m in (18, 19, 35, 41, 44, 60, 61, 64, 95, 1010, 1011, 1014,
                                     1045, 1050, 1051, 1052, 1053, 1060, 1061, 2001, 2002,
                                     2003, 2005, 2006)],
     "queries": [f"{C}?{m}$p" for m in (18, 19, 35, 41, 44, 60, 61, 64, 95, 1010, 1011, 1014,
                                         1045, 1050, 1051, 1052, 1053, 1060, 1061, 2001,
                                         2002, 2003, 2005, 2006)]},
    # --- DECCOLM and DECNCSM; more(1) fix
    {"name": "deccolm_no_clear", "setup": [FILL, f"{C}?40h{C}?95h{C}?3h", "@sleep 0.5"],
     "queries": [f"{C}18t", f"{C}?95$p"]},
    {"name": "more_fix_off", "setup": [f"{C}1;1H" + "x" * 80 + "\tY"], "queries": []},
    {"name": "more_fix_on", "setup": [f"{C}?41h{C}1;1H" + "x" * 80 + "\tY"], "queries": []},
    {"name": "more_fix_on_mid_line", "setup": [f"{C}?41h{C}1;1H" + "x" * 79 + "\tY"],
     "queries": []},
    # --- DECSCL levels gate what is answered
    {"name": "decscl_vt100_gates",
     "setup": [f'{C}61"p{C}?69h{C}5;10s{C}1;1H' + "ABCDEFGHIJKL"],
     "queries": [f"{C}?7$p", f"{C}4$p", rqss("m"), f"{C}?6n", f"{C}>c", f"{C}=c", f"{C}5n"]},
    {"name": "decscl_vt200_gates", "setup": [f'{C}62;1"p'],
     "queries": [f"{C}?7$p", rqss('"p'), rqss("m"), f"{C}?6n", f"{C}1;1;1;1;1;1*y"]},
    {"name": "decscl_vt200_8bit", "setup": [f'{C}62;0"p'],
     "queries": [rqss('"p'), f"{C}6n", f"{C}>c"]},
    {"name": "decscl_vt300_no_lr_margins",
     "setup": [f'{C}63;1"p{C}?69h{C}5;10s{C}1;1H' + "ABCDEFGHIJKL"],
     "queries": [f"{C}?69$p", rqss("s"), rqss('"p')]},
    {"name": "decscl_vt100_8bit_ignored", "setup": [f'{C}61;0"p'],
     "queries": [f"{C}6n", rqss('"p')]},
    {"name": "decscl_unknown_level", "setup": [f'{C}63"p{C}99"p'], "queries": [rqss('"p')]},
    {"name": "decscl_level_5", "setup": [f'{C}65;1"p'], "queries": [rqss('"p'), f"{C}c"]},
    # --- RIS
    {"name": "ris_resets_deccolm",
     "setup": [f"{C}?40h{C}?3h", "@sleep 0.5", f"{E}c", "@sleep 0.5"],
     "queries": [f"{C}18t", f"{C}?3$p", f"{C}?40$p"]},
    {"name": "title_modes_hex",
     "setup": [f"{C}>0;1t{E}]2;414243{BEL}{E}]1;58595A{BEL}"], "queries": TITLES},
    {"name": "title_modes_hex_reset",
     "setup": [f"{C}>0;1t{C}>0T{E}]2;414243{BEL}"], "queries": TITLES},
    {"name": "title_modes_query_hex", "setup": [f"{C}>1t{E}]2;abc{BEL}"],
     "queries": TITLES + [f"{C}>1T", f"{C}21t"]},
    {"name": "title_modes_reset_by_ris",
     "setup": [f"{C}>0;1t{E}c{E}]2;414243{BEL}"], "queries": TITLES},
    {"name": "ris_resets_titles", "setup": [f"{E}]0;before{BEL}{C}22t{E}c"],
     "queries": TITLES + [f"{C}23t", f"{C}21t"]},
    # --- reports: DECDSR, DECXCPR, DECRQSS
    {"name": "dsr_variants_vt520", "setup": [],
     "queries": [f"{C}5n", f"{C}6n", f"{C}?6n", f"{C}?15n", f"{C}?25n", f"{C}?26n",
                 f"{C}?53n", f"{C}?55n", f"{C}?56n", f"{C}?62n", f"{C}?63;1n", f"{C}?75n",
                 f"{C}?85n", f"{C}?996n"]},
    {"name": "decxcpr_levels", "setup": [f"{C}3;4H"],
     "queries": [f'{C}?6n{C}62"p', f"{C}?6n", f'{C}63"p', f"{C}?6n"]},
    {"name": "decrqss_more", "setup": [],
     "queries": [rqss(q) for q in ("*|", "t", "$|", "*x", "$}", "$~", '"q', "r", "s", " q",
                                   "m", '"p', ">4m", "+p", ",|", "1;2r")]},
    {"name": "decrqss_more_set",
     "setup": [f"{C}2*x{C}36*|{C}1$}}{C}2$~{C}2 q", "@sleep 0.5"],
     "queries": [rqss(q) for q in ("*|", "t", "$|", "*x", "$}", "$~", " q")]},
    {"name": "device_attributes_vt520", "setup": [],
     "queries": [f"{C}c", f"{C}>c", f"{C}=c"]},
    # --- CBT and CHT against margins
    {"name": "cbt_ignores_scroll_region",
     "setup": [f"{C}5;10r{C}7;30H{C}2ZX{C}?69h{C}10;40s{C}12;30H{C}3ZY{C}13;12H{C}9ZZ"],
     "queries": []},
    {"name": "cbt_origin_mode",
     "setup": [f"{C}?69h{C}10;40s{C}?6h{C}1;5H{C}2ZX{C}2;25H{C}9IY"], "queries": []},
    # --- XTWINOPS: move and report the position (the window)
    {"name": "xtwinops_move", "setup": [f"{C}3;100;50t", "@sleep 0.5"],
     "queries": [f"{C}13t", f"{C}13;2t"]},
    # --- title and icon stacks (XTWINOPS 22/23 with 0, 1, 2)
    {"name": "title_stack",
     "setup": [f"{E}]1;icon1{BEL}{E}]2;title1{BEL}{C}22;0t{E}]0;both2{BEL}"],
     "queries": TITLES + [f"{C}23;0t"] + TITLES},
    {"name": "title_stack_icon_only",
     "setup": [f"{E}]1;icon1{BEL}{E}]2;title1{BEL}{C}22;1t{E}]0;both2{BEL}"],
     "queries": TITLES + [f"{C}23;1t"] + TITLES + [f"{C}23;2t"] + TITLES},
    {"name": "title_stack_title_only",
     "setup": [f"{E}]1;icon1{BEL}{E}]2;title1{BEL}{C}22;2t{E}]0;both2{BEL}"],
     "queries": TITLES + [f"{C}23;0t"] + TITLES},
    {"name": "title_stack_mixed",
     "setup": [f"{E}]0;a{BEL}{C}22;1t{E}]0;b{BEL}{C}22;2t{E}]0;c{BEL}{C}22t{E}]0;d{BEL}"],
     "queries": [q for _ in range(4) for q in [f"{C}23t"] + TITLES]},
    {"name": "title_stack_pop_empty", "setup": [f"{E}]0;keep{BEL}{C}23;0t{C}23;1t{C}23;2t"],
     "queries": TITLES},
    {"name": "title_stack_deep",
     "setup": [f"{E}]0;t{i}{BEL}{C}22t" for i in range(12)],
     "queries": [q for _ in range(12) for q in [f"{C}23t", f"{C}21t"]]},
]
