//! Timing lines: the usual layout, read by position, against the general reader.

use proptest::prelude::*;

use crate::transcript::formats::{any_timing, parse_timing, usual_timing};

#[test]
fn the_usual_layout_is_read_by_position_and_the_rest_the_general_way() {
    for (line, usual) in [
        ("00:01:02.003 --> 01:00:00.999", true),
        (
            "00:01:02,003 --> 00:01:05,000 align:start position:0%",
            true,
        ),
        ("00:01:02.003 --> 00:01:05.000\tline:0", true),
        ("00:01:02.003 --> 00:01:05.000x", false),
        ("00:61:02.003 --> 00:01:05.000", false),
        ("00:01:60.003 --> 00:01:05.000", false),
        ("0a:01:02.003 --> 00:01:05.000", false),
        ("00:01:02.003 -> 00:01:05.0000", false),
        ("01:02.003 --> 01:05.000", false),
        ("100:01:02.003 --> 100:01:05.000", false),
    ] {
        assert_eq!(usual_timing(line.as_bytes()).is_some(), usual, "{line}");
        assert_eq!(parse_timing(line), any_timing(line), "{line}");
    }
    assert_eq!(
        usual_timing(b"01:02:03.456 --> 02:00:00.001"),
        Some((3_723_456, 7_200_001))
    );
}

proptest! {
    #[test]
    fn timing_lines_read_by_position_read_as_the_general_way_reads_them(
        line in "[0-9]{2}:[0-7][0-9][:.]?[0-7][0-9][.,:][0-9]{3} -?-> [0-9]{2}:[0-7][0-9]:[0-7][0-9][.,][0-9]{3}([ \t,x].{0,5})?"
    ) {
        prop_assert_eq!(parse_timing(&line), any_timing(&line));
    }
}
