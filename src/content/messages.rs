//! The short strings the code needs (help, errors, crisis replies, config answers), each with
//! the placeholders it may use. They live in `responses/messages.toml` like all other text.

use std::collections::HashMap;

/// Declares every message key once: its enum variant, its key in `messages.toml`, and the
/// placeholders (besides `{emergency}` and `{region}`, allowed everywhere) it may contain.
macro_rules! messages {
    ($($variant:ident = $key:literal [$($ph:literal),*];)*) => {
        /// A message the code sends; its text comes from `messages.toml`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($variant),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$variant),*];

            /// The key in `messages.toml`.
            pub fn key(self) -> &'static str {
                match self { $(Msg::$variant => $key),* }
            }

            /// Placeholders this message may use besides the global ones.
            pub fn placeholders(self) -> &'static [&'static str] {
                match self { $(Msg::$variant => &[$($ph),*]),* }
            }
        }
    };
}

messages! {
    EmergencyUnset = "emergency_unset" [];
    RegionUnset = "region_unset" [];
    NoRegionNote = "no_region_note" [];
    MoreLabel = "more_label" [];
    SourcesTitle = "sources_title" ["reviewed"];
    CrisisEmergency = "crisis_emergency" [];
    CrisisConcern = "crisis_concern" [];
    CrisisButton = "crisis_button" [];
    HelpTitle = "help_title" [];
    HelpBody = "help_body" [];
    UnknownCommand = "unknown_command" ["command"];
    TooLong = "too_long" ["max"];
    SubstanceListTitle = "substance_list_title" [];
    SubstanceListBody = "substance_list_body" ["names"];
    UnknownSubstance = "unknown_substance" ["input"];
    DidYouMean = "did_you_mean" ["suggestions"];
    SubstanceHint = "substance_hint" [];
    ComboNeedsTwo = "combo_needs_two" [];
    ComboTooMany = "combo_too_many" ["max"];
    ComboWhyTitle = "combo_why_title" [];
    ComboIfMixingTitle = "combo_if_mixing_title" [];
    ComboNote = "combo_note" [];
    RatingLowRisk = "rating_low_risk" [];
    RatingCaution = "rating_caution" [];
    RatingUnsafe = "rating_unsafe" [];
    RatingDangerous = "rating_dangerous" [];
    ResourcesTitle = "resources_title" [];
    ResourcesBody = "resources_body" [];
    ResourcesNone = "resources_none" ["category"];
    ResourcesNoRegion = "resources_no_region" ["regions"];
    ResourcesSectionTitle = "resources_section_title" [];
    UnknownCategory = "unknown_category" ["input", "categories"];
    NotModerator = "not_moderator" [];
    ConfigUsage = "config_usage" [];
    ConfigShow = "config_show" ["region_code", "overrides", "channels", "mode", "alert", "cooldown"];
    ConfigRegionSet = "config_region_set" [];
    ConfigRegionCleared = "config_region_cleared" [];
    UnknownRegion = "unknown_region" ["input", "regions"];
    ConfigEmergencySet = "config_emergency_set" [];
    ConfigEmergencyCleared = "config_emergency_cleared" [];
    InvalidEmergency = "invalid_emergency" ["max"];
    ConfigResponseSet = "config_response_set" ["id"];
    ConfigResponseReset = "config_response_reset" ["id"];
    ConfigResponseNone = "config_response_none" ["id"];
    UnknownResponse = "unknown_response" ["input"];
    StigmaWarning = "stigma_warning" ["terms"];
    OverrideTooLong = "override_too_long" ["len", "max"];
    StoreError = "store_error" [];
    PhraseList = "phrase_list" ["phrases"];
    PhraseNone = "phrase_none" [];
    PhraseAdded = "phrase_added" ["n", "id"];
    PhraseRemoved = "phrase_removed" ["n"];
    PhraseNotFound = "phrase_not_found" ["n"];
    PhraseInvalid = "phrase_invalid" ["reason"];
    PhraseTooMany = "phrase_too_many" ["max"];
    PhraseTest = "phrase_test" ["level", "rules", "guards"];
    ResourceList = "resource_list" ["resources"];
    ResourceNone = "resource_none" [];
    ResourceAdded = "resource_added" ["n", "name"];
    ResourceUpdated = "resource_updated" ["n", "name"];
    ResourceRemoved = "resource_removed" ["n"];
    ResourceNotFound = "resource_not_found" ["n"];
    ResourceInvalid = "resource_invalid" ["reason"];
    ResourceTooMany = "resource_too_many" ["max"];
    HistoryList = "history_list" ["changes"];
    HistoryNone = "history_none" [];
    ResponsePreviewNote = "response_preview_note" ["id"];
    CrisisAlert = "crisis_alert" ["level", "link"];
    ServerOnly = "server_only" [];
    RateLimited = "rate_limited" [];
    ExportDone = "export_done" [];
    ModalTitle = "modal_title" ["id"];
    ModalLabel = "modal_label" [];
    ImportInvalid = "import_invalid" ["problems"];
    ImportTooLarge = "import_too_large" ["max"];
    ImportUnreadable = "import_unreadable" ["reason"];
    ImportPreview = "import_preview" ["changes"];
    ImportApplied = "import_applied" ["changes"];
    ImportUnchanged = "import_unchanged" [];
    OptedOut = "opted_out" [];
    OptedIn = "opted_in" [];
    EncryptedRoom = "encrypted_room" [];
    ConfigListenAdded = "config_listen_added" ["channel"];
    ConfigListenRemoved = "config_listen_removed" ["channel"];
    ListenNotListed = "listen_not_listed" ["channel"];
    ListenTooMany = "listen_too_many" ["max"];
    InvalidChannel = "invalid_channel" ["input"];
    ConfigCrisisMode = "config_crisis_mode" ["mode"];
    AlertNeedsChannel = "alert_needs_channel" [];
    ConfigAlertSet = "config_alert_set" ["channel"];
    ConfigAlertCleared = "config_alert_cleared" [];
    ConfigCooldownSet = "config_cooldown_set" ["minutes"];
    InvalidCooldown = "invalid_cooldown" ["max"];
}

/// Placeholders every text may use.
pub const GLOBAL_PLACEHOLDERS: &[&str] = &["emergency", "region"];

/// The loaded message texts; every [`Msg`] has one (checked on load).
#[derive(Debug, Clone)]
pub struct Messages {
    texts: HashMap<Msg, String>,
    categories: HashMap<super::Category, String>,
}

impl Messages {
    pub(super) fn new(texts: HashMap<Msg, String>, categories: HashMap<super::Category, String>) -> Self {
        Messages { texts, categories }
    }

    /// The raw template of a message (placeholders not yet filled).
    pub fn template(&self, msg: Msg) -> &str {
        self.texts.get(&msg).map_or("", String::as_str)
    }

    /// A category's display name.
    pub fn category(&self, category: super::Category) -> &str {
        self.categories.get(&category).map_or(category.id(), String::as_str)
    }
}
