//! Rendering tests: text snapshots per kind at a fixed width, an SVG
//! snapshot, and PNGs decoded and checked pixel by pixel.

use super::*;
use ndarray::Array2;

fn xy(x: Vec<f64>, y: Vec<f64>, style: Style, name: Option<&str>) -> Series {
    Series {
        data: Data::Xy { x, y },
        style,
        name: name.map(str::to_string),
    }
}

/// Two named curves with a title, labels and a grid.
fn lines() -> Figure {
    let x: Vec<f64> = (0..50).map(|i| i as f64 / 5.0).collect();
    let train = x.iter().map(|v| 2.0 * (-v / 3.0).exp() + 0.1).collect();
    let test = x.iter().map(|v| 2.0 * (-v / 4.0).exp() + 0.3).collect();
    let dashed = parse_style("r--", &Style::default()).unwrap();
    let mut f = Figure::single(vec![
        xy(x.clone(), train, Style::default(), Some("train")),
        xy(x, test, dashed, Some("test")),
    ]);
    let ax = f.axes_mut();
    ax.title = Some("Loss".into());
    ax.xlabel = Some("epoch".into());
    ax.ylabel = Some("loss".into());
    ax.grid = true;
    f
}

fn scatter() -> Figure {
    let marker = parse_style("o", &Style::default()).unwrap();
    let a = xy(
        vec![1.0, 2.0, 1.5],
        vec![1.0, 1.5, 2.0],
        marker.clone(),
        Some("setosa"),
    );
    let b = xy(
        vec![4.0, 5.0, 4.5],
        vec![4.0, 4.2, 5.0],
        marker,
        Some("virginica"),
    );
    Figure::single(vec![a, b])
}

fn bars() -> Figure {
    Figure::single(vec![Series {
        data: Data::Bars {
            x: vec![1.0, 2.0, 3.0, 4.0],
            h: vec![3.0, 7.0, 5.0, 1.0],
            width: 0.8,
        },
        style: Style::default(),
        name: None,
    }])
}

fn image() -> Figure {
    let m = Array2::from_shape_fn((4, 6), |(r, c)| (r * 6 + c) as f64);
    Figure::single(vec![Series {
        data: Data::Image { m, colorbar: true },
        style: Style::default(),
        name: None,
    }])
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a valid PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("one frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Writes the figure's PNG where `MLA_PLOT_DIR` says, to look at it.
fn keep(name: &str, fig: &Figure) {
    if let Some(dir) = std::env::var_os("MLA_PLOT_DIR") {
        let path = std::path::Path::new(&dir).join(format!("{name}.png"));
        std::fs::write(path, png(fig).expect("png")).expect("write");
    }
}

fn log_lines() -> Figure {
    let x: Vec<f64> = (1..=20).map(f64::from).collect();
    let y = x.iter().map(|v| 10f64.powf(-v / 4.0)).collect();
    let mut f = Figure::single(vec![xy(x, y, Style::default(), None)]);
    f.axes_mut().ylog = true;
    f
}

fn errorbars() -> Figure {
    Figure::single(vec![Series {
        data: Data::ErrorBars {
            x: vec![1.0, 2.0, 3.0],
            y: vec![2.0, 3.0, 1.0],
            err: vec![0.5, 0.2, 0.3],
        },
        style: Style {
            line: LineStyle::None,
            marker: Some(Marker::Circle),
            ..Style::default()
        },
        name: None,
    }])
}

fn subplots() -> Figure {
    let mut f = lines();
    f.subplot(1, 2, 2);
    f.add(bars().axes[0].series.clone());
    f
}

#[test]
fn text_lines() {
    insta::assert_snapshot!(render_text(&lines(), 72, false));
}

#[test]
fn text_scatter() {
    insta::assert_snapshot!(render_text(&scatter(), 60, false));
}

#[test]
fn text_bars() {
    insta::assert_snapshot!(render_text(&bars(), 60, false));
}

#[test]
fn text_image() {
    insta::assert_snapshot!(render_text(&image(), 60, false));
}

#[test]
fn text_log_axis() {
    insta::assert_snapshot!(render_text(&log_lines(), 60, false));
}

#[test]
fn text_errorbars() {
    insta::assert_snapshot!(render_text(&errorbars(), 60, false));
}

#[test]
fn text_subplots() {
    insta::assert_snapshot!(render_text(&subplots(), 60, false));
}

#[test]
fn text_colour_marks_each_series() {
    let t = render_text(&lines(), 72, true);
    // tab:blue is drawn in blue (34), the "r" style in red (31).
    assert!(t.contains("\x1b[34m") && t.contains("\x1b[31m"));
    assert!(!render_text(&lines(), 72, false).contains('\x1b'));
}

#[test]
fn text_follows_the_width() {
    let narrow = render_text(&lines(), 50, false);
    let wide = render_text(&lines(), 120, false);
    let longest = |t: &str| t.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest(&narrow) <= 50 && longest(&wide) > 100, "{narrow}");
}

#[test]
fn svg_of_the_bars() {
    insta::assert_snapshot!(svg(&bars()).expect("svg"));
}

#[test]
fn svg_has_the_title_labels_and_legend() {
    let s = svg(&lines()).expect("svg");
    for text in ["Loss", "epoch", "loss", "train", "test", "0.50"] {
        assert!(s.contains(&format!(">\n{text}\n</text>")), "{text} missing");
    }
}

/// The colour at (x, y).
fn pixel(img: &(u32, u32, Vec<u8>), x: u32, y: u32) -> [u8; 3] {
    let i = ((y * img.0 + x) * 3) as usize;
    [img.2[i], img.2[i + 1], img.2[i + 2]]
}

#[test]
fn png_bars_have_their_colour_where_the_bars_stand() {
    let img = decode(&png(&bars()).expect("png"));
    assert_eq!((img.0, img.1), (640, 480));
    assert_eq!(pixel(&img, 2, 2), [255, 255, 255]);
    // The tallest bar (7 at x = 2) fills the middle of its column.
    let sx = Scale::linear(0.6, 4.4, (true, true));
    let fx = sx.fraction(2.0);
    // The plot area spans most of the picture: sample at mid-height.
    let x = (60.0 + fx * 540.0) as u32;
    assert_eq!(pixel(&img, x, 300), PALETTE[0]);
}

#[test]
fn png_has_the_line_colours_and_dark_text() {
    let img = decode(&png(&lines()).expect("png"));
    let colours: std::collections::HashSet<[u8; 3]> =
        img.2.chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
    assert!(colours.contains(&PALETTE[0]));
    assert!(colours.contains(&[214, 39, 40]), "the r-- line");
    // Antialiased text leaves dark pixels in the title band.
    let dark = (0..640).any(|x| (10..35).any(|y| pixel(&img, x, y)[0] < 120));
    assert!(dark, "no title text");
}

#[test]
fn png_image_uses_viridis_ends() {
    let img = decode(&png(&image()).expect("png"));
    let colours: std::collections::HashSet<[u8; 3]> =
        img.2.chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
    assert!(colours.contains(&layout::viridis(0.0)));
    assert!(colours.contains(&layout::viridis(1.0)));
}

#[test]
fn subplots_make_a_larger_picture() {
    let img = decode(&png(&subplots()).expect("png"));
    assert_eq!((img.0, img.1), (840, 480));
    keep("subplots", &subplots());
}

#[test]
fn awkward_data_never_panics() {
    let weird = [
        vec![],
        vec![f64::NAN],
        vec![f64::INFINITY, f64::NEG_INFINITY],
        vec![5.0, 5.0, 5.0],
        vec![-f64::MAX, f64::MAX],
        vec![1e-300, 2e-300],
    ];
    for y in weird {
        let x: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
        for log in [false, true] {
            let mut f = Figure::single(vec![xy(x.clone(), y.clone(), Style::default(), Some("s"))]);
            f.axes_mut().ylog = log;
            assert!(!render_text(&f, 80, true).is_empty());
            assert!(svg(&f).is_ok() && png(&f).is_ok(), "{y:?}");
        }
    }
    let empty = Figure::single(vec![Series {
        data: Data::Image {
            m: Array2::zeros((0, 3)),
            colorbar: true,
        },
        style: Style::default(),
        name: None,
    }]);
    assert!(png(&empty).is_ok() && !render_text(&empty, 80, false).is_empty());
}

#[test]
fn look() {
    keep("lines", &lines());
    keep("scatter", &scatter());
    keep("bars", &bars());
    keep("image", &image());
    keep("log", &log_lines());
}
