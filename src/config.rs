//! The config file (`opsdeck/config.yaml` in the config dir, or `OPSDECK_CONFIG`)
//! and what it chooses: the theme, the mouse, key bindings, the output kept
//! in memory. Read once, before the terminal is taken, so a mistake is a
//! plain error message and exit 1.

use crate::app::keymap::{Action, KeyList, KeySpec, Keymap};
use crate::ui::Theme;
use crate::ui::theme_file;
use crate::yaml_file;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// A bundled theme name or a theme file (relative to the config file).
    pub theme: Option<String>,
    /// Mouse reporting (click, wheel); off lets a plain drag select text.
    pub mouse: Option<bool>,
    /// Action name → key or keys, e.g. `note: m`, `quit: [q, ctrl-q]`.
    #[serde(default)]
    pub keys: BTreeMap<Action, KeyList>,
    /// Bytes of command output the console keeps in memory across all runs
    /// (`64MiB`, `512KiB`, `1GiB` or a number of bytes; at least 1 MiB).
    pub output_budget: Option<OutputBudget>,
    /// Alertmanager's base URL, for `opsdeck alerts`.
    pub alertmanager: Option<String>,
    /// `kube: {read_only_contexts: [prod]}`: contexts where nothing that
    /// changes things runs.
    pub kube: Option<KubeConfig>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KubeConfig {
    #[serde(default)]
    pub read_only_contexts: Vec<String>,
}

/// The contexts the config file marks read-only (`*`: all of them). A
/// config file that cannot be read marks all of them: it may have said so.
pub fn kube_read_only_contexts() -> Vec<String> {
    let explicit = std::env::var_os("OPSDECK_CONFIG").is_some_and(|p| !p.is_empty());
    match config_path() {
        Some(path) if explicit || path.exists() => match read_config(&path) {
            Ok((config, _)) => config
                .kube
                .map(|kube| kube.read_only_contexts)
                .unwrap_or_default(),
            Err(_) => vec!["*".into()],
        },
        _ => Vec::new(),
    }
}

/// What the console and the picker are drawn with.
#[derive(Clone, Debug)]
pub struct Settings {
    pub theme: Theme,
    pub mouse: bool,
    pub keymap: Keymap,
    /// Bytes of output the console's pane keeps across all runs.
    pub output_budget: usize,
}

/// `output_budget:` as written: a size with a unit, or bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "SizeText")]
pub struct OutputBudget(pub usize);

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum SizeText {
    Bytes(u64),
    Text(String),
}

impl TryFrom<SizeText> for OutputBudget {
    type Error = String;

    fn try_from(value: SizeText) -> Result<OutputBudget, String> {
        let bytes = match value {
            SizeText::Bytes(bytes) => bytes,
            SizeText::Text(text) => parse_size(&text)?,
        };
        let min = crate::app::runs::MIN_BUDGET;
        match usize::try_from(bytes) {
            Ok(bytes) if bytes >= min => Ok(OutputBudget(bytes)),
            Ok(_) => Err(format!(
                "output_budget must be at least 1MiB ({min} bytes), got {bytes} bytes"
            )),
            Err(_) => Err(format!("output_budget is too large: {bytes} bytes")),
        }
    }
}

/// `64MiB`, `64 MiB`, `512K`, `1GiB`, `100MB` (decimal), `65536`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit = unit.trim();
    let multiplier: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => {
            return Err(format!(
                "`{text}` is not a size: use a number of bytes or a unit such as 64MiB, 512KiB, 1GiB"
            ));
        }
    };
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size: it must start with a whole number"))?;
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// The config file in use: `OPSDECK_CONFIG`, else the config dir's `config.yaml`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("OPSDECK_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "opsdeck").map(|d| d.config_dir().join("config.yaml"))
}

/// Reads the config and resolves the theme; `theme_flag` is `--theme`.
pub fn load_settings(theme_flag: Option<&str>) -> Result<Settings, String> {
    let path = config_path();
    let explicit = std::env::var_os("OPSDECK_CONFIG").is_some_and(|p| !p.is_empty());
    let (config, text) = match &path {
        Some(path) if explicit || path.exists() => read_config(path)?,
        _ => (ConfigFile::default(), String::new()),
    };
    let overrides: Vec<(Action, Vec<KeySpec>)> = config
        .keys
        .iter()
        .map(|(action, keys)| (*action, keys.0.clone()))
        .collect();
    let keymap = Keymap::with(&overrides).map_err(|(action, message)| {
        // serde knows no position for a clash found afterwards: find the action's line.
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{}:", action.name())))
            .map_or(1, |n| n + 1);
        let file = path.as_deref().unwrap_or(Path::new("config")).display();
        format!("config file {file}:{line}: {message}")
    })?;
    let config_dir = path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    // no-color.org: an explicit choice (flag or config file) overrides NO_COLOR.
    let theme = match (theme_flag, &config.theme) {
        (Some(choice), _) => resolve_theme(choice, Path::new(""), &config_dir)?,
        (None, Some(choice)) => resolve_theme(choice, &config_dir, &config_dir)?,
        (None, None) if no_color => Theme::monochrome(),
        (None, None) => Theme::dark(),
    };
    if theme_flag.is_some() || config.theme.is_some() {
        // crossterm drops every colour under NO_COLOR by itself; an explicit
        // choice overrides NO_COLOR, so its colours must reach the terminal.
        crossterm::style::Colored::set_ansi_color_disabled(false);
    }
    Ok(Settings {
        theme,
        mouse: config.mouse.unwrap_or(true),
        keymap,
        output_budget: config
            .output_budget
            .map_or(crate::app::runs::DEFAULT_BUDGET, |b| b.0),
    })
}

/// The config file's `alertmanager:`, when there is a config file.
pub fn alertmanager_url() -> Result<Option<String>, String> {
    let path = config_path();
    let explicit = std::env::var_os("OPSDECK_CONFIG").is_some_and(|p| !p.is_empty());
    match &path {
        Some(path) if explicit || path.exists() => Ok(read_config(path)?.0.alertmanager),
        _ => Ok(None),
    }
}

fn read_config(path: &Path) -> Result<(ConfigFile, String), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read the config file {}: {err}", path.display()))?;
    let config = yaml_file::parse(&text, &path.display().to_string())
        .map_err(|err| format!("config file {err}"))?;
    Ok((config, text))
}

/// A bundled theme name, a theme file path (relative to `relative_to`), or
/// a name under the config dir's `themes/`.
pub fn resolve_theme(choice: &str, relative_to: &Path, config_dir: &Path) -> Result<Theme, String> {
    if let Some(theme) = Theme::bundled(choice) {
        return Ok(theme);
    }
    let candidates = [
        relative_to.join(choice),
        config_dir.join("themes").join(format!("{choice}.yaml")),
    ];
    let Some(file) = candidates.iter().find(|p| p.is_file()) else {
        let names: Vec<&str> = crate::ui::theme::BUNDLED.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "unknown theme `{choice}`: not a bundled theme ({}) nor a theme file",
            names.join(", ")
        ));
    };
    let text = std::fs::read_to_string(file)
        .map_err(|err| format!("cannot read the theme file {}: {err}", file.display()))?;
    theme_file::parse(&text, &file.display().to_string()).map_err(|err| format!("theme file {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, String> {
        yaml_file::parse::<ConfigFile>(text, "config.yaml").map_err(|e| e.to_string())
    }

    #[test]
    fn the_output_budget_is_read_with_its_unit() {
        let budget = |text: &str| parse(text).map(|c| c.output_budget.map(|b| b.0));
        assert_eq!(budget("mouse: true\n"), Ok(None));
        assert_eq!(budget("output_budget: 16MiB\n"), Ok(Some(16 << 20)));
        assert_eq!(budget("output_budget: 2 GiB\n"), Ok(Some(2 << 30)));
        assert_eq!(budget("output_budget: 100MB\n"), Ok(Some(100_000_000)));
        assert_eq!(budget("output_budget: 8388608\n"), Ok(Some(8 << 20)));
        let small = budget("mouse: true\noutput_budget: 1KiB\n").unwrap_err();
        assert!(small.starts_with("config.yaml:2:"), "{small}");
        assert!(small.contains("at least 1MiB"), "{small}");
        let bad = budget("output_budget: lots\n").unwrap_err();
        assert!(bad.contains("not a size"), "{bad}");
        assert!(budget("output_budget: 99999999999GiB\n").is_err());
    }
}
