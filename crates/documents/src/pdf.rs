//! PDFs laid out by Typst. A document type's template is a Typst file
//! (`templates/*.typ`, shipped in the binary, replaceable per
//! organization); it reads what to print from `data.json` and may import
//! the shared layout `comptoir.typ`. The compiler sees nothing but these
//! files, the logo and the fonts embedded in the binary: no system font,
//! no package download, no clock (the date is the caller's).

use chrono::{DateTime, Datelike, Timelike, Utc};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// The shared layout every shipped template imports.
pub const LAYOUT: &str = include_str!("../templates/comptoir.typ");

const FONTS: [&[u8]; 3] = [
    include_bytes!("../fonts/Inter_400Regular.ttf"),
    include_bytes!("../fonts/Inter_700Bold.ttf"),
    include_bytes!("../fonts/Inter_400Regular_Italic.ttf"),
];

/// A template that does not compile, or fails on the data: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct TemplateError {
    /// 1-based line in the template, when the problem is in it.
    pub line: Option<usize>,
    pub message: String,
}

impl TemplateError {
    fn describe(&self) -> String {
        match self.line {
            Some(line) => format!("line {line}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// An image the template may show (`logo.png` / `logo.jpg`).
pub struct Image<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// What to render: a template, its data, and the images it may read.
pub struct Render<'a> {
    pub template: &'a str,
    pub data: &'a serde_json::Value,
    pub images: &'a [Image<'a>],
    /// The document's own instant: its creation date in the PDF, so the
    /// same document renders to the same bytes.
    pub created_at: DateTime<Utc>,
    /// A stable identifier of the document (its id), hashed into the PDF's
    /// file identifier.
    pub ident: &'a str,
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    library: LazyHash<Library>,
}

fn shared() -> &'static Fonts {
    static SHARED: OnceLock<Fonts> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            library: LazyHash::new(Library::default()),
        }
    })
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

struct DocumentWorld<'a> {
    request: &'a Render<'a>,
    main: FileId,
    data: Bytes,
}

const MAIN: &str = "/template.typ";
const LAYOUT_PATH: &str = "/comptoir.typ";
const DATA_PATH: &str = "/data.json";

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let path = id.get().vpath().get_with_slash();
        match path {
            MAIN => Ok(Source::new(id, self.request.template.to_owned())),
            LAYOUT_PATH => Ok(Source::new(id, LAYOUT.to_owned())),
            _ => Err(FileError::NotFound(path.into())),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.get().vpath().get_with_slash();
        if path == DATA_PATH {
            return Ok(self.data.clone());
        }
        if let Ok(source) = self.source(id) {
            return Ok(Bytes::from_string(source));
        }
        self.request
            .images
            .iter()
            .find(|image| path.strip_prefix('/') == Some(image.name))
            .map(|image| Bytes::new(image.bytes.to_vec()))
            .ok_or_else(|| FileError::NotFound(path.into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        let date = self.request.created_at.date_naive();
        Datetime::from_ymd(
            date.year(),
            u8::try_from(date.month()).ok()?,
            u8::try_from(date.day()).ok()?,
        )
    }
}

/// How many renders a memoized Typst result survives unused: the
/// shipped layout, the fonts and the lines of products invoiced often
/// are hit render after render and stay; what one document alone laid
/// out goes at once. A longer life keeps a larger cache that every
/// render then pays to search and evict: measured slower at 2 and 5.
const CACHE_AGE: usize = 1;

/// Renders a PDF/A-3b (archivable, and able to carry a Factur-X XML).
pub fn render(request: &Render) -> Result<Vec<u8>, TemplateError> {
    let rendered = compile_pdf(request);
    // Typst memoizes every compilation in a process-wide cache that only
    // eviction empties: without it a server grows by about a megabyte per
    // document, for good.
    typst::comemo::evict(CACHE_AGE);
    rendered
}

fn compile_pdf(request: &Render) -> Result<Vec<u8>, TemplateError> {
    let world = DocumentWorld {
        request,
        main: file_id(MAIN),
        data: Bytes::new(request.data.to_string().into_bytes()),
    };
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errors| first_error(&world, &errors))?;
    let created = request.created_at;
    let datetime = Datetime::from_ymd_hms(
        created.year(),
        u8::try_from(created.month()).unwrap_or(1),
        u8::try_from(created.day()).unwrap_or(1),
        u8::try_from(created.hour()).unwrap_or(0),
        u8::try_from(created.minute()).unwrap_or(0),
        u8::try_from(created.second()).unwrap_or(0),
    );
    let options = PdfOptions {
        ident: typst::foundations::Smart::Custom(request.ident.to_owned()),
        creator: typst::foundations::Smart::Custom(Some("Comptoir".to_owned())),
        timestamp: datetime.map(Timestamp::new_utc),
        standards: PdfStandards::new(&[PdfStandard::A_3b]).map_err(|message| TemplateError {
            line: None,
            message: message.message().to_string(),
        })?,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| first_error(&world, &errors))
}

/// The first error, located in the template when it is there.
fn first_error(world: &DocumentWorld, errors: &[SourceDiagnostic]) -> TemplateError {
    let Some(error) = errors
        .iter()
        .find(|e| e.severity == Severity::Error)
        .or(errors.first())
    else {
        return TemplateError {
            line: None,
            message: "the template failed without a message".into(),
        };
    };
    let located = error.span.id().and_then(|id| {
        let range = world.range(error.span)?;
        let source = world.source(id).ok()?;
        Some((id, source.lines().byte_to_line(range.start)? + 1))
    });
    let mut message = error.message.to_string();
    let line = match located {
        Some((id, line)) if id == world.main => Some(line),
        Some((id, line)) => {
            let file = id.get().vpath().get_without_slash().to_owned();
            message = format!("{file}, line {line}: {message}");
            None
        }
        None => None,
    };
    for hint in &error.hints {
        message.push_str("; ");
        message.push_str(&hint.v);
    }
    TemplateError { line, message }
}
