//! MATLAB's style strings (`"r--"`, `"bo"`, `"k:"`) and colour names.

use super::figure::{LineStyle, Marker, Rgb, Style};

/// The colour letters of MATLAB's style strings, as matplotlib's tab10
/// shades (pure red and blue look harsh in a report); `k` is black and `w`
/// white.
const LETTERS: [(char, Rgb); 8] = [
    ('b', [31, 119, 180]),
    ('g', [44, 160, 44]),
    ('r', [214, 39, 40]),
    ('c', [23, 190, 207]),
    ('m', [227, 119, 194]),
    ('y', [188, 189, 34]),
    ('k', [0, 0, 0]),
    ('w', [255, 255, 255]),
];

const MARKERS: [(char, Marker); 9] = [
    ('o', Marker::Circle),
    ('.', Marker::Point),
    ('+', Marker::Plus),
    ('x', Marker::Cross),
    ('*', Marker::Star),
    ('s', Marker::Square),
    ('d', Marker::Diamond),
    ('^', Marker::TriangleUp),
    ('v', Marker::TriangleDown),
];

/// The colour of a letter (`"r"`) or a name (`"red"`, `"orange"`) or
/// `#rrggbb`.
pub fn color_named(name: &str) -> Option<Rgb> {
    let lower = name.trim().to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix('#') {
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
            return Some([byte(0)?, byte(2)?, byte(4)?]);
        }
        return None;
    }
    let letter = match lower.as_str() {
        "blue" => 'b',
        "green" => 'g',
        "red" => 'r',
        "cyan" => 'c',
        "magenta" => 'm',
        "yellow" => 'y',
        "black" => 'k',
        "white" => 'w',
        "orange" => return Some([255, 127, 14]),
        "purple" => return Some([148, 103, 189]),
        "brown" => return Some([140, 86, 75]),
        "gray" | "grey" => return Some([127, 127, 127]),
        s if s.chars().count() == 1 => s.chars().next()?,
        _ => return None,
    };
    LETTERS
        .iter()
        .find(|(c, _)| *c == letter)
        .map(|(_, rgb)| *rgb)
}

/// A style string read into `base`: a colour letter, a marker and a line
/// kind in any order, each at most once. A marker alone means no line, as
/// in MATLAB (`"o"` draws points only).
pub fn parse(spec: &str, base: &Style) -> Result<Style, String> {
    let mut style = base.clone();
    let (mut color, mut marker, mut line) = (None, None, None);
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let (what, taken) = if c == '-' && next == Some('-') {
            (Part::Line(LineStyle::Dashed), 2)
        } else if c == '-' && next == Some('.') {
            (Part::Line(LineStyle::DashDot), 2)
        } else if c == '-' {
            (Part::Line(LineStyle::Solid), 1)
        } else if c == ':' {
            (Part::Line(LineStyle::Dotted), 1)
        } else if let Some((_, rgb)) = LETTERS.iter().find(|(l, _)| *l == c) {
            (Part::Color(*rgb), 1)
        } else if let Some((_, m)) = MARKERS.iter().find(|(l, _)| *l == c) {
            (Part::Marker(*m), 1)
        } else if c == ' ' {
            (Part::Nothing, 1)
        } else {
            return Err(format!(
                "the style \"{spec}\" has `{c}`, which is no colour (b g r c m y k w), marker (o . + x * s d ^ v) or line (- -- : -.)"
            ));
        };
        let slot_taken = match what {
            Part::Color(rgb) => color.replace(rgb).is_some(),
            Part::Marker(m) => marker.replace(m).is_some(),
            Part::Line(l) => line.replace(l).is_some(),
            Part::Nothing => false,
        };
        if slot_taken {
            return Err(format!(
                "the style \"{spec}\" gives its {} twice",
                match what {
                    Part::Color(_) => "colour",
                    Part::Marker(_) => "marker",
                    _ => "line kind",
                }
            ));
        }
        i += taken;
    }
    if let Some(rgb) = color {
        style.color = Some(rgb);
    }
    if let Some(m) = marker {
        style.marker = Some(m);
        style.line = line.unwrap_or(LineStyle::None);
    } else if let Some(l) = line {
        style.line = l;
    }
    Ok(style)
}

enum Part {
    Color(Rgb),
    Marker(Marker),
    Line(LineStyle),
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matlab_style_strings() {
        let d = Style::default();
        let s = parse("r--", &d).unwrap();
        assert_eq!(
            (s.color, s.line, s.marker),
            (Some([214, 39, 40]), LineStyle::Dashed, None)
        );
        let s = parse("bo", &d).unwrap();
        assert_eq!((s.line, s.marker), (LineStyle::None, Some(Marker::Circle)));
        let s = parse("k:", &d).unwrap();
        assert_eq!((s.color, s.line), (Some([0, 0, 0]), LineStyle::Dotted));
        let s = parse("-.x", &d).unwrap();
        assert_eq!(
            (s.line, s.marker),
            (LineStyle::DashDot, Some(Marker::Cross))
        );
        let s = parse("o-", &d).unwrap();
        assert_eq!((s.line, s.marker), (LineStyle::Solid, Some(Marker::Circle)));
    }

    #[test]
    fn bad_style_strings_name_the_character() {
        let e = parse("rz", &Style::default()).unwrap_err();
        assert!(e.contains("`z`"), "{e}");
        let e = parse("rb", &Style::default()).unwrap_err();
        assert!(e.contains("colour twice"), "{e}");
    }

    #[test]
    fn colour_names() {
        assert_eq!(color_named("#ff8000"), Some([255, 128, 0]));
        assert_eq!(color_named("Red"), Some([214, 39, 40]));
        assert_eq!(color_named("k"), Some([0, 0, 0]));
        assert_eq!(color_named("#ff80"), None);
        assert_eq!(color_named("teal"), None);
    }
}
