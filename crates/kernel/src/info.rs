//! `kernel_info`: who the kernel is and the language it runs, for the
//! frontend's syntax mode, file extension and help menu.

use jupyter_protocol::{CodeMirrorMode, KernelInfoReply, LanguageInfo, ReplyStatus};

/// The protocol version this kernel speaks.
pub(crate) const PROTOCOL_VERSION: &str = "5.3";

/// The reply to `kernel_info_request`.
pub(crate) fn kernel_info() -> KernelInfoReply {
    let version = env!("CARGO_PKG_VERSION").to_string();
    KernelInfoReply {
        status: ReplyStatus::Ok,
        protocol_version: PROTOCOL_VERSION.into(),
        implementation: "mla".into(),
        implementation_version: version.clone(),
        language_info: LanguageInfo {
            name: "mla".into(),
            version,
            mimetype: Some("text/x-mla".into()),
            file_extension: Some(".mla".into()),
            // MLA reads as MATLAB/Octave: their highlighting fits it.
            pygments_lexer: Some("matlab".into()),
            codemirror_mode: Some(CodeMirrorMode::Simple("octave".into())),
            nbconvert_exporter: None,
        },
        banner: format!(
            "MLA {} — the linear algebra of machine learning, written as math.\n\
             help(name) describes a builtin; Tab completes, Shift-Tab shows help.",
            env!("CARGO_PKG_VERSION")
        ),
        // The project has no published documentation address yet.
        help_links: Vec::new(),
        debugger: false,
        error: None,
    }
}
