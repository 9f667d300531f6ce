//! The sequence table: each [`Handler`] method says which operation of [`Term`] a parsed
//! control function performs. The operations themselves live in the modules by
//! responsibility (printing, scrolling, editing, screens, reports, colours, strings).

use crate::*;

impl Handler for Term {
    #[inline(always)]
    fn print(&mut self, c: char) {
        Term::print(self, c)
    }

    #[inline]
    fn print_ascii(&mut self, run: &[u8]) {
        Term::print_ascii(self, run)
    }

    fn bell(&mut self) {
        self.events.push(TermEvent::Bell);
    }

    fn backspace(&mut self) {
        self.cursor_back(1);
    }

    #[inline]
    fn tab(&mut self, count: usize) {
        Term::tab(self, count)
    }

    #[inline]
    fn backtab(&mut self, count: usize) {
        Term::backtab(self, count)
    }

    fn linefeed(&mut self) {
        self.index();
        if self.modes.contains(Modes::LINEFEED_NEWLINE) {
            self.carriage_return();
        }
    }

    fn carriage_return(&mut self) {
        self.cursor.point.column = Column(self.line_start());
        self.cursor.pending_wrap = false;
    }

    fn index(&mut self) {
        self.index_no_wrap_reset();
        self.cursor.pending_wrap = false;
    }

    fn next_line(&mut self) {
        self.index();
        self.carriage_return();
    }

    #[inline]
    fn reverse_index(&mut self) {
        Term::reverse_index(self)
    }

    #[inline]
    fn back_index(&mut self) {
        Term::back_index(self)
    }

    #[inline]
    fn forward_index(&mut self) {
        Term::forward_index(self)
    }

    #[inline]
    fn set_tab_stop(&mut self) {
        Term::set_tab_stop(self)
    }

    #[inline]
    fn clear_tab_stops(&mut self, mode: TabClear) {
        Term::clear_tab_stops(self, mode)
    }

    #[inline]
    fn reset_tab_stops(&mut self) {
        Term::reset_tab_stops(self)
    }

    fn invoke_charset(&mut self, index: CharsetIndex, gr: bool) {
        self.cursor.charsets.invoke(index, gr);
    }

    fn single_shift(&mut self, index: CharsetIndex) {
        self.cursor.charsets.single_shift(index);
    }

    fn designate_charset(&mut self, index: CharsetIndex, charset: StandardCharset) {
        self.cursor.charsets.designate(index, charset);
    }

    fn move_up(&mut self, n: usize) {
        let Point { line, column } = self.cursor.point;
        let top = if line >= self.margins.top { self.margins.top } else { Line(0) };
        self.set_cursor(line.saturating_sub(n).max(top), column);
    }

    fn move_down(&mut self, n: usize) {
        let Point { line, column } = self.cursor.point;
        let bottom =
            if line <= self.margins.bottom { self.margins.bottom } else { Line(self.lines() - 1) };
        self.set_cursor(line.saturating_add(n).min(bottom), column);
    }

    fn move_forward(&mut self, n: usize) {
        let Point { line, column } = self.cursor.point;
        let right =
            if column <= self.margins.right { self.margins.right } else { Column(self.cols() - 1) };
        self.set_cursor(line, column.saturating_add(n).min(right));
    }

    fn move_backward(&mut self, n: usize) {
        self.cursor_back(n);
    }

    fn move_down_and_cr(&mut self, n: usize) {
        self.move_down(n);
        self.carriage_return();
    }

    fn move_up_and_cr(&mut self, n: usize) {
        self.move_up(n);
        self.carriage_return();
    }

    fn goto(&mut self, line: usize, col: usize) {
        if self.modes.contains(Modes::ORIGIN) {
            let m = self.margins;
            self.set_cursor(
                m.top.saturating_add(line).min(m.bottom),
                m.left.saturating_add(col).min(m.right),
            );
        } else {
            self.set_cursor(Line(line), Column(col));
        }
    }

    fn goto_line(&mut self, line: usize) {
        let col = self.cursor.point.column;
        if self.modes.contains(Modes::ORIGIN) {
            let m = self.margins;
            self.set_cursor(m.top.saturating_add(line).min(m.bottom), col);
        } else {
            self.set_cursor(Line(line), col);
        }
    }

    fn goto_col(&mut self, col: usize) {
        let line = self.cursor.point.line;
        if self.modes.contains(Modes::ORIGIN) {
            let m = self.margins;
            self.set_cursor(line, m.left.saturating_add(col).min(m.right));
        } else {
            self.set_cursor(line, Column(col));
        }
    }

    #[inline]
    fn insert_blank(&mut self, n: usize) {
        Term::insert_blank(self, n)
    }

    #[inline]
    fn delete_chars(&mut self, n: usize) {
        Term::delete_chars(self, n)
    }

    #[inline]
    fn erase_chars(&mut self, n: usize) {
        Term::erase_chars(self, n)
    }

    #[inline]
    fn insert_lines(&mut self, n: usize) {
        Term::insert_lines(self, n)
    }

    #[inline]
    fn delete_lines(&mut self, n: usize) {
        Term::delete_lines(self, n)
    }

    fn insert_columns(&mut self, n: usize) {
        if self.in_tb_margins() && self.in_lr_margins() {
            self.insert_columns_at(self.cursor.point.column, n);
        }
    }

    fn delete_columns(&mut self, n: usize) {
        if self.in_tb_margins() && self.in_lr_margins() {
            self.delete_columns_at(self.cursor.point.column, n);
        }
    }

    fn scroll_up(&mut self, n: usize) {
        self.scroll_up_region(self.margins.top, self.margins.bottom, n);
    }

    fn scroll_left(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        self.delete_columns_at(self.margins.left, n);
    }

    fn scroll_right(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        self.insert_columns_at(self.margins.left, n);
    }

    fn scroll_down(&mut self, n: usize) {
        self.scroll_down_region(self.margins.top, self.margins.bottom, n);
    }

    fn erase_display(&mut self, mode: EraseMode, selective: bool) {
        Term::erase_display(self, mode, selective);
    }

    #[inline]
    fn erase_line(&mut self, mode: EraseMode, selective: bool) {
        Term::erase_line(self, mode, selective)
    }

    #[inline]
    fn repeat_preceding(&mut self, n: usize) {
        Term::repeat_preceding(self, n)
    }

    #[inline]
    fn decaln(&mut self) {
        Term::decaln(self)
    }

    fn save_cursor(&mut self) {
        Term::save_cursor(self);
    }

    fn restore_cursor(&mut self) {
        Term::restore_cursor(self);
    }

    #[inline]
    fn set_scroll_region(&mut self, top: Option<usize>, bottom: Option<usize>) {
        Term::set_scroll_region(self, top, bottom)
    }

    #[inline]
    fn set_lr_margins(&mut self, left: Option<usize>, right: Option<usize>) {
        Term::set_lr_margins(self, left, right)
    }

    fn set_ansi_mode(&mut self, mode: u16, on: bool) {
        if let Some(flag) = modes::ansi_flag(mode) {
            self.modes.set(flag, on);
        }
    }

    fn set_private_mode(&mut self, mode: u16, on: bool) {
        self.set_private_mode_inner(mode, on);
    }

    #[inline]
    fn report_mode(&mut self, mode: u16, private: bool) {
        Term::report_mode(self, mode, private)
    }

    #[inline]
    fn save_private_modes(&mut self, list: &[u16]) {
        Term::save_private_modes(self, list)
    }

    #[inline]
    fn restore_private_modes(&mut self, list: &[u16]) {
        Term::restore_private_modes(self, list)
    }

    fn set_keypad_application(&mut self, on: bool) {
        self.modes.set(Modes::APP_KEYPAD, on);
    }

    fn sgr(&mut self, params: &parser::CsiParams) {
        let mut pen = self.cursor.pen;
        sgr::apply_params(&mut pen, params);
        self.set_pen(pen);
    }

    fn set_cursor_style(&mut self, style: Option<CursorStyle>) {
        self.cursor_style = style;
        self.events.push(TermEvent::CursorStyleChanged);
    }

    fn set_protected(&mut self, on: bool) {
        self.iso_protect = false;
        let mut pen = self.cursor.pen;
        pen.attrs.set(Attrs::PROTECTED, on);
        self.set_pen(pen);
    }

    fn guarded_area(&mut self, start: bool) {
        if start {
            self.iso_protect = true;
        }
        let mut pen = self.cursor.pen;
        pen.attrs.set(Attrs::PROTECTED, start);
        self.set_pen(pen);
    }

    fn device_attributes(&mut self, which: DeviceAttributes) {
        self.report_device_attributes(which);
    }

    fn device_status(&mut self, n: u16, arg: u16, private: bool) {
        self.report_device_status(n, arg, private);
    }

    fn xtversion(&mut self) {
        self.reply_dcs(&format!(">|uvterm({})", env!("CARGO_PKG_VERSION")));
    }

    fn window_op(&mut self, params: &[u16]) {
        self.handle_window_op(params);
    }

    fn request_checksum(&mut self, id: u16, _page: u16, rect: RectParams) {
        // A VT400 feature: below that conformance level xterm does not answer.
        if self.conformance_level < 64 {
            return;
        }
        let sum = self.rect_checksum(rect);
        self.reply_dcs(&format!("{id}!~{sum:04X}"));
    }

    fn request_status_string(&mut self, request: &[u8]) {
        self.report_status_string(request);
    }

    fn request_termcap(&mut self, request: &[u8]) {
        self.report_termcap(request);
    }

    fn soft_reset(&mut self) {
        self.modes.insert(Modes::SHOW_CURSOR | Modes::AUTOWRAP);
        self.modes.remove(
            Modes::INSERT
                | Modes::ORIGIN
                | Modes::APP_CURSOR
                | Modes::APP_KEYPAD
                | Modes::REVERSE_WRAP
                | Modes::REVERSE_WRAP_EXTENDED
                | Modes::LR_MARGINS
                | Modes::KEYBOARD_LOCK,
        );
        self.reset_margins();
        let link = self.cursor.pen.link;
        self.set_pen(Style { link, ..Style::default() });
        self.cursor.charsets = Charsets::new();
        self.cursor.pending_wrap = false;
        self.screen.saved_cursor = None;
    }

    fn hard_reset(&mut self) {
        self.full_reset();
    }

    fn set_conformance_level(&mut self, level: u16, eight_bit: Option<bool>) {
        if !(61..=65).contains(&level) {
            return;
        }
        self.soft_reset();
        self.conformance_level = level;
        self.eight_bit_controls = level > 61 && eight_bit.unwrap_or(true);
    }

    fn set_eight_bit_controls(&mut self, on: bool) {
        if self.conformance_level > 61 {
            self.eight_bit_controls = on;
        }
    }

    fn fill_rect(&mut self, c: char, rect: RectParams) {
        self.rect_fill(c, rect);
    }

    fn erase_rect(&mut self, rect: RectParams, selective: bool) {
        self.rect_erase(rect, selective);
    }

    fn copy_rect(&mut self, src: RectParams, dst_top: u16, dst_left: u16) {
        self.rect_copy(src, dst_top, dst_left);
    }

    fn change_rect_attrs(&mut self, rect: RectParams, attrs: &[&[u16]], reverse: bool) {
        self.rect_change_attrs(rect, attrs, reverse);
    }

    fn set_attr_change_extent(&mut self, extent: u16) {
        match extent {
            0 | 1 => self.attr_change_rect = false,
            2 => self.attr_change_rect = true,
            _ => (),
        }
    }

    #[inline]
    fn set_title(&mut self, title: &str) {
        Term::set_title(self, title)
    }

    #[inline]
    fn set_icon_name(&mut self, name: &str) {
        Term::set_icon_name(self, name)
    }

    #[inline]
    fn push_title(&mut self, which: u16) {
        Term::push_title(self, which)
    }

    #[inline]
    fn pop_title(&mut self, which: u16) {
        Term::pop_title(self, which)
    }

    fn set_title_mode(&mut self, mode: u16, on: bool) {
        if mode < 4 {
            let bit = 1 << mode;
            if on { self.title_modes |= bit } else { self.title_modes &= !bit }
        }
    }

    #[inline]
    fn set_color(&mut self, index: usize, color: Rgb) {
        Term::set_color(self, index, color)
    }

    #[inline]
    fn reset_color(&mut self, index: Option<usize>) {
        Term::reset_color(self, index)
    }

    #[inline]
    fn query_color(&mut self, osc: u16, index: usize, terminator: StringTerminator) {
        Term::query_color(self, osc, index, terminator)
    }

    #[inline]
    fn set_working_directory(&mut self, uri: &str) {
        Term::set_working_directory(self, uri)
    }

    #[inline]
    fn set_hyperlink(&mut self, id: Option<&str>, uri: Option<&str>) {
        Term::set_hyperlink(self, id, uri)
    }

    #[inline]
    fn clipboard_store(&mut self, selection: u8, base64: &[u8]) {
        Term::clipboard_store(self, selection, base64)
    }

    #[inline]
    fn clipboard_load(&mut self, selection: u8, terminator: StringTerminator) {
        Term::clipboard_load(self, selection, terminator)
    }

    #[inline]
    fn prompt_mark(&mut self, mark: PromptMark) {
        Term::prompt_mark(self, mark)
    }

    fn semantic_prompt(&mut self, mark: PromptMark, exit_status: Option<i32>) {
        Term::prompt_mark(self, mark);
        self.events.push(TermEvent::SemanticPrompt { mark, exit_status });
    }

    fn notify(&mut self, protocol: NotifyProtocol, title: &str, body: &str) {
        Term::notify(self, protocol, title, body)
    }

    fn kitty_notify(&mut self, metadata: &[u8], payload: &[u8]) {
        Term::kitty_notify(self, metadata, payload)
    }

    #[inline]
    fn push_keyboard_flags(&mut self, flags: u8) {
        Term::push_keyboard_flags(self, flags)
    }

    #[inline]
    fn pop_keyboard_flags(&mut self, n: usize) {
        Term::pop_keyboard_flags(self, n)
    }

    #[inline]
    fn set_keyboard_flags(&mut self, flags: u8, mode: KeyboardFlagsMode) {
        Term::set_keyboard_flags(self, flags, mode)
    }

    fn report_keyboard_flags(&mut self) {
        let flags = self.keyboard_flags();
        self.reply_csi(&format!("?{flags}u"));
    }

    fn set_modify_other_keys(&mut self, level: Option<u16>) {
        self.modify_other_keys = level.unwrap_or(0).min(2);
    }
}
