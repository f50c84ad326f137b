//! Every command and the automatic crisis reply, through the platform-neutral engine.

use std::sync::Arc;
use std::time::{Duration, Instant};

use harbor::command::{Command, ConfigCommand, TOPIC_COMMANDS};
use harbor::content::Content;
use harbor::engine::{Context, Crisis, Engine, Place};
use harbor::limits;
use harbor::reply::Reply;
use harbor::store::MemoryStore;

const MEMBER: Context<'static> = Context { community: "c", moderator: false, actor: "member", user: "member" };
const MODERATOR: Context<'static> = Context { community: "c", moderator: true, actor: "mod-sam", user: "mod-sam" };

fn engine() -> Engine {
    Engine::new(Arc::new(Content::embedded()), Arc::new(MemoryStore::default()))
}

fn ask(engine: &Engine, ctx: Context<'_>, line: &str) -> Reply {
    engine.line(ctx, line).unwrap_or_else(|| panic!("{line:?} got no reply"))
}

/// A chat message in a direct conversation (always read, never on cooldown).
fn chat(engine: &Engine, ctx: Context<'_>, text: &str) -> Option<Reply> {
    engine.message(ctx, Place::Direct, text, Instant::now()).and_then(|crisis| crisis.reply)
}

/// A chat message in channel `id` of community "c", `after` the start of the test.
fn in_channel(engine: &Engine, ctx: Context<'_>, id: &str, text: &str, at: Instant) -> Option<Crisis> {
    engine.message(ctx, Place::Channel { id, link: "https://chat.example/c/1/99" }, text, at)
}

/// The reply's text without markdown emphasis, for reading what a person sees.
fn plain(text: &str) -> String {
    text.replace("**", "")
}

#[test]
fn every_topic_command_answers_with_its_topic_and_sources() {
    let engine = engine();
    for id in TOPIC_COMMANDS {
        let topic = engine.content().topic(id).unwrap();
        let reply = ask(&engine, MEMBER, &format!("/{id}"));
        assert_eq!(reply.title, topic.title, "/{id}");
        assert!(!reply.ephemeral, "/{id} is for everyone to read");
        let more = reply.more.expect("details behind a button");
        assert!(more.sections.len() >= 2, "/{id} has details");
        assert!(more.sections.last().unwrap().title.starts_with("Sources (reviewed 20"), "/{id} ends with its sources");
    }
}

#[test]
fn overdose_replies_begin_with_the_action_and_the_communitys_number() {
    let engine = engine();
    for kind in ["", " opioid", " stimulant", " mixed", " something else"] {
        let unset = ask(
            &engine,
            Context { community: "unset", moderator: false, actor: "member", user: "member" },
            &format!("/overdose{kind}"),
        );
        let body = plain(&unset.body);
        assert!(body.starts_with("Call your local emergency number"), "/overdose{kind}: {body}");
        for number in ["911", "112", "999", "000"] {
            assert!(body.contains(number), "/overdose{kind} names {number} with no region set");
        }
        assert!(unset.footer.unwrap().contains("/config region"), "moderators are told how to set theirs");

        for (region, number) in [("us", "911"), ("gb", "999"), ("au", "000"), ("nz", "111")] {
            let ctx = Context { community: region, moderator: true, actor: "mod", user: "mod" };
            ask(&engine, ctx, &format!("/config region {region}"));
            let reply = ask(&engine, ctx, &format!("/overdose{kind}"));
            assert!(
                plain(&reply.body).starts_with(&format!("Call {number} now")),
                "{region} /overdose{kind}: {}",
                reply.body
            );
            assert_eq!(reply.footer, None, "no nag once the region is set");
        }
    }
}

#[test]
fn overdose_kinds_have_their_own_steps() {
    let engine = engine();
    let opioid = harbor::console::render(&ask(&engine, MEMBER, "/overdose opioid")).to_lowercase();
    assert!(opioid.contains("naloxone") && opioid.contains("rescue breath") && opioid.contains("recovery position"));
    let stimulant = harbor::console::render(&ask(&engine, MEMBER, "/overdose stimulant")).to_lowercase();
    assert!(stimulant.contains("overheat") || stimulant.contains("cool"), "stimulant steps talk about heat");
    let mixed = harbor::console::render(&ask(&engine, MEMBER, "/overdose mixed")).to_lowercase();
    assert!(mixed.contains("xylazine") && mixed.contains("benzo"), "mixed covers benzos and xylazine");
}

#[test]
fn saferuse_knows_street_names_in_any_case() {
    let engine = engine();
    for (alias, id) in [
        ("fent", "fentanyl"),
        ("H", "heroin"),
        ("dope", "heroin"),
        ("coke", "cocaine"),
        ("crack", "cocaine"),
        ("crystal", "methamphetamine"),
        ("molly", "mdma"),
        ("K", "ketamine"),
        ("G", "ghb"),
        ("benzos", "benzodiazepines"),
        ("xanax", "benzodiazepines"),
        ("Bars", "benzodiazepines"),
        ("tranq", "xylazine"),
        ("oxy", "oxycodone"),
        ("nitazenes", "nitazenes"),
        ("shrooms", "psilocybin"),
        ("acid", "lsd"),
        ("weed", "cannabis"),
        ("booze", "alcohol"),
        ("China   White", "fentanyl"),
    ] {
        let reply = ask(&engine, MEMBER, &format!("/saferuse {alias}"));
        let expected = &engine.content().substance(id).unwrap().topic.title;
        assert_eq!(&reply.title, expected, "/saferuse {alias}");
    }
}

#[test]
fn saferuse_without_a_substance_lists_them() {
    let engine = engine();
    let reply = ask(&engine, MEMBER, "/saferuse");
    for substance in engine.content().substances() {
        assert!(reply.body.contains(&substance.topic.title), "list names {}", substance.topic.title);
    }
}

#[test]
fn unknown_substances_get_a_kind_answer_with_close_matches() {
    let engine = engine();
    let reply = ask(&engine, MEMBER, "/saferuse fentanil");
    assert!(reply.ephemeral);
    assert!(reply.body.contains("\"fentanil\"") && reply.body.contains("/saferuse fentanyl"), "{}", reply.body);

    let reply = ask(&engine, MEMBER, "/saferuse zzzqqq");
    assert!(reply.body.contains("/saferuse") && !reply.body.contains("Did you mean"), "{}", reply.body);
}

#[test]
fn user_text_echoed_in_replies_cannot_ping_or_flood() {
    let engine = engine();
    for input in ["@everyone", "<@&123456>", "<@42>", "`code` @here"] {
        let reply = ask(&engine, MEMBER, &format!("/saferuse {input}"));
        for raw in ["@everyone", "@here", "<@"] {
            assert!(!reply.body.contains(raw), "{input:?} echoed as {:?}", reply.body);
        }
    }
    let reply = ask(&engine, MEMBER, &format!("/saferuse {}", "x".repeat(500)));
    assert!(limits::len(&reply.body) < 400, "a long input is cut in the echo");
}

#[test]
fn combo_gives_the_rating_and_why() {
    let engine = engine();
    let reply = ask(&engine, MEMBER, "/combo alcohol heroin");
    assert_eq!(reply.title, "Alcohol + Heroin");
    assert!(reply.body.contains("Dangerous"), "{}", reply.body);
    assert!(reply.body.contains("Why:") && reply.body.to_lowercase().contains("breath"), "the mechanism is given");
    assert!(reply.body.contains("If you mix anyway:"), "what to do if mixing anyway");
}

#[test]
fn combo_of_several_lists_the_worst_pair_first() {
    let engine = engine();
    let reply = ask(&engine, MEMBER, "/combo weed + china white, xanax");
    let lines: Vec<&str> = reply.body.lines().collect();
    assert_eq!(lines.len(), 3, "three pairs: {}", reply.body);
    assert!(lines[0].contains("Dangerous") && lines[0].contains("Fentanyl") && lines[0].contains("Benzodiazepines"));
    let sections = reply.more.unwrap().sections;
    assert_eq!(sections.len(), 4, "one section per pair, then sources");
    assert!(sections[0].title.contains("Dangerous"), "details worst first");
}

#[test]
fn combo_asks_for_what_it_needs() {
    let engine = engine();
    assert!(ask(&engine, MEMBER, "/combo heroin").body.contains("at least two"));
    assert!(
        ask(&engine, MEMBER, "/combo heroin H smack").body.contains("at least two"),
        "one substance by three names"
    );
    assert!(ask(&engine, MEMBER, "/combo heroin glitter").body.contains("\"glitter\""));
    let many = ask(&engine, MEMBER, "/combo heroin alcohol coke meth mdma ketamine weed");
    assert!(many.body.contains("up to 6"), "{}", many.body);
}

#[test]
fn every_substance_pair_has_a_rating() {
    let content = Content::embedded();
    for a in content.substances() {
        for b in content.substances() {
            if a.topic.id != b.topic.id {
                assert!(content.combo(&a.class, &b.class).is_some(), "{} + {}", a.topic.id, b.topic.id);
            }
        }
    }
}

#[test]
fn resources_need_a_region_then_list_its_services() {
    let engine = engine();
    let reply = ask(&engine, MEMBER, "/resources");
    assert!(reply.body.contains("/config region") && reply.body.contains("`us`"), "{}", reply.body);

    ask(&engine, MODERATOR, "/config region us");
    let all = harbor::console::render(&ask(&engine, MEMBER, "/resources"));
    assert!(all.contains("Never Use Alone") && all.contains("988"), "{all}");
    let one = harbor::console::render(&ask(&engine, MEMBER, "/resources never use alone"));
    assert!(one.contains("Never Use Alone") && !one.contains("988 Suicide"), "{one}");
    let unknown = ask(&engine, MEMBER, "/resources pizza");
    assert!(unknown.body.contains("\"pizza\"") && unknown.body.contains("`naloxone`"), "{}", unknown.body);
}

#[test]
fn topics_list_the_regions_services_they_name() {
    let engine = engine();
    ask(&engine, MODERATOR, "/config region ca");
    let reply = ask(&engine, MEMBER, "/dontusealone");
    let sections = reply.more.unwrap().sections;
    let services = sections.iter().find(|s| s.title == "Services in Canada").expect("a services section");
    assert!(services.body.contains("1-888-688-6677"), "{}", services.body);
}

#[test]
fn national_emergency_numbers_are_right() {
    let content = Content::embedded();
    for (code, number) in
        [("us", "911"), ("ca", "911"), ("gb", "999"), ("ie", "112"), ("au", "000"), ("nz", "111"), ("eu", "112")]
    {
        let region = content.region(code).unwrap_or_else(|| panic!("region {code}"));
        assert!(region.emergency.contains(number), "{code}: {}", region.emergency);
    }
    assert_eq!(content.region("UK").unwrap().code, "gb", "regions are found by alias");
}

#[test]
fn members_cannot_change_settings() {
    let engine = engine();
    let reply = ask(&engine, MEMBER, "/config region gb");
    assert!(reply.ephemeral && reply.body.contains("Only moderators"));
    assert!(
        plain(&ask(&engine, MEMBER, "/overdose").body).starts_with("Call your local emergency number"),
        "nothing changed"
    );
}

#[test]
fn moderators_set_region_and_emergency_number() {
    let engine = engine();
    let set = ask(&engine, MODERATOR, "/config region ireland");
    assert!(set.body.contains("Ireland") && set.body.contains("112"), "{}", set.body);
    ask(&engine, MODERATOR, "/config emergency 999");
    assert!(plain(&ask(&engine, MEMBER, "/overdose").body).starts_with("Call 999 now"));
    let show = ask(&engine, MODERATOR, "/config show").body;
    assert!(show.contains("Ireland") && show.contains("(ie)") && show.contains("999"), "{show}");
    ask(&engine, MODERATOR, "/config emergency reset");
    assert!(plain(&ask(&engine, MEMBER, "/overdose").body).starts_with("Call 112 or 999 now"), "back to the region's");
    ask(&engine, MODERATOR, "/config region reset");
    assert!(plain(&ask(&engine, MEMBER, "/overdose").body).starts_with("Call your local emergency number"));
}

#[test]
fn bad_settings_are_refused_and_change_nothing() {
    let engine = engine();
    ask(&engine, MODERATOR, "/config region us");
    let reply = ask(&engine, MODERATOR, "/config region atlantis");
    assert!(reply.body.contains("\"atlantis\"") && reply.body.contains("`gb`"), "{}", reply.body);
    for bad in ["<@&123>", "@everyone", "1234567890123456789012345678901234", "{region}"] {
        let reply = ask(&engine, MODERATOR, &format!("/config emergency {bad}"));
        assert!(reply.body.starts_with("An emergency number is"), "{bad}: {}", reply.body);
    }
    assert!(plain(&ask(&engine, MEMBER, "/overdose").body).starts_with("Call 911 now"), "nothing changed");
}

#[test]
fn moderators_replace_reset_and_see_responses() {
    let engine = engine();
    let set =
        ask(&engine, MODERATOR, "/config response set naloxone Free naloxone at the Tuesday drop-in.\\nAsk for Sam.");
    assert!(set.body.starts_with("Saved your text for `naloxone`"), "{}", set.body);
    assert_eq!(ask(&engine, MEMBER, "/naloxone").body, "Free naloxone at the Tuesday drop-in.\nAsk for Sam.");
    assert_eq!(
        ask(&engine, MODERATOR, "/config response show naloxone").body,
        "Free naloxone at the Tuesday drop-in.\nAsk for Sam."
    );

    let by_alias = ask(&engine, MODERATOR, "/config response set fent Test every batch at the Tuesday drop-in.");
    assert!(by_alias.body.contains("`fentanyl`"), "{}", by_alias.body);
    assert_eq!(ask(&engine, MEMBER, "/saferuse fentanyl").body, "Test every batch at the Tuesday drop-in.");

    ask(&engine, MODERATOR, "/config response reset naloxone");
    let default = engine.content().topic("naloxone").unwrap().summary.clone();
    assert_eq!(ask(&engine, MEMBER, "/naloxone").body, default);
    assert!(ask(&engine, MODERATOR, "/config response reset naloxone").body.contains("nothing to reset"));
}

#[test]
fn moderator_wording_with_stigma_is_kept_with_a_warning() {
    let engine = engine();
    let reply = ask(&engine, MODERATOR, "/config response set support Talk to the addicts in our group.");
    assert!(reply.body.contains("\"addicts\"") && reply.body.contains("Your wording is kept"), "{}", reply.body);
    assert_eq!(ask(&engine, MEMBER, "/support").body, "Talk to the addicts in our group.");
}

#[test]
fn oversize_overrides_are_refused_and_change_nothing() {
    let engine = engine();
    // Short as typed, too long once the emergency number is filled in.
    let reply = ask(&engine, MODERATOR, &format!("/config response set naloxone {}", "{emergency} ".repeat(150)));
    assert!(reply.body.contains("Nothing was saved"), "{}", reply.body);
    let reply = ask(&engine, MODERATOR, "/config response set nosuchtopic hello");
    assert!(reply.body.contains("\"nosuchtopic\""), "{}", reply.body);
    assert_eq!(ask(&engine, MEMBER, "/naloxone").body, engine.content().topic("naloxone").unwrap().summary);
}

#[test]
fn crisis_messages_get_the_quiet_reply_with_steps_behind_a_button() {
    let engine = engine();
    let reply = chat(&engine, MEMBER, "my friend is not breathing").expect("a crisis reply");
    assert!(reply.title.is_empty() && !reply.ephemeral);
    assert!(plain(&reply.body).starts_with("Call your local emergency number"), "{}", reply.body);
    let more = reply.more.unwrap();
    assert_eq!(more.label, "Show overdose steps");
    assert!(more.sections.iter().any(|s| s.body.to_lowercase().contains("naloxone")));

    let concern = chat(&engine, MEMBER, "i think i took too much").expect("a gentle reply");
    assert!(concern.body.contains("stay with them"), "{}", concern.body);
}

#[test]
fn ordinary_and_figurative_messages_get_no_reply() {
    let engine = engine();
    for text in [
        "I'm dying of laughter",
        "what are the signs of an overdose?",
        "anyone around tonight?",
        "this beat is killing me",
    ] {
        assert_eq!(chat(&engine, MEMBER, text), None, "{text}");
    }
}

#[test]
fn help_names_every_command() {
    let engine = engine();
    let help = ask(&engine, MEMBER, "/help").body;
    for name in TOPIC_COMMANDS.iter().chain(&["overdose", "saferuse", "combo", "resources"]) {
        assert!(help.contains(&format!("/{name}")), "/help mentions /{name}");
    }
}

#[test]
fn unknown_commands_and_oversize_lines_get_clear_answers() {
    let engine = engine();
    let reply = ask(&engine, MEMBER, "/dance");
    assert!(reply.ephemeral && reply.body.contains("`dance`") && reply.body.contains("/help"));
    let reply = ask(&engine, MEMBER, &"help ".repeat(500));
    assert!(reply.body.contains("2000 characters"), "{}", reply.body);
}

/// Every reply, in every region and with no region, fits Discord's limits.
#[test]
fn every_reply_fits_discord_limits_everywhere() {
    let engine = engine();
    let content = engine.content();
    let mut lines: Vec<String> = TOPIC_COMMANDS.iter().map(|c| format!("/{c}")).collect();
    lines.extend(
        ["/help", "/overdose", "/overdose opioid", "/overdose stimulant", "/overdose mixed", "/saferuse", "/resources"]
            .map(String::from),
    );
    lines.extend(content.substances().iter().map(|s| format!("/saferuse {}", s.topic.id)));
    lines.push(format!(
        "/combo {}",
        content.substances().iter().take(6).map(|s| s.topic.id.as_str()).collect::<Vec<_>>().join(" ")
    ));
    let mut regions: Vec<Option<&str>> = vec![None];
    regions.extend(content.regions().iter().map(|r| Some(r.code.as_str())));
    for region in regions {
        let community = region.unwrap_or("none");
        let ctx = Context { community, moderator: true, actor: "mod", user: "mod" };
        if let Some(code) = region {
            ask(&engine, ctx, &format!("/config region {code}"));
        }
        let mut replies: Vec<(String, Reply)> = lines.iter().map(|l| (l.clone(), ask(&engine, ctx, l))).collect();
        replies.push(("crisis".into(), chat(&engine, ctx, "he's not breathing").unwrap()));
        for (line, reply) in replies {
            let at = format!("{line} in {community}");
            assert!(limits::len(&reply.title) <= limits::TITLE, "{at}: title");
            assert!(limits::len(&reply.body) <= limits::MESSAGE, "{at}: body is {}", limits::len(&reply.body));
            if let Some(more) = &reply.more {
                assert!(more.sections.len() <= limits::FIELDS, "{at}: fields");
                let total: usize = more.sections.iter().map(|s| limits::len(&s.title) + limits::len(&s.body)).sum();
                assert!(total <= limits::EMBED_TOTAL, "{at}: details are {total}");
                for s in &more.sections {
                    assert!(limits::len(&s.title) <= limits::TITLE, "{at}: {}", s.title);
                    assert!(limits::len(&s.body) <= limits::FIELD, "{at}: {} is {}", s.title, limits::len(&s.body));
                }
            }
        }
    }
}

#[test]
fn moderators_add_test_list_and_remove_crisis_phrases() {
    let engine = engine();
    let other = Context { community: "other", moderator: false, actor: "member", user: "member" };
    assert_eq!(chat(&engine, MEMBER, "man down in the back room"), None, "not a built-in phrase");

    let added = ask(&engine, MODERATOR, "/config phrase add emergency man down");
    assert!(added.body.starts_with("Added as phrase 1 (`custom.1`)"), "{}", added.body);
    let reply = chat(&engine, MEMBER, "MAN DOWN in the back room").expect("the community's phrase fires");
    assert!(reply.body.replace("**", "").starts_with("Call"), "{}", reply.body);
    assert_eq!(chat(&engine, other, "man down in the back room"), None, "other communities are unaffected");

    let test = ask(&engine, MODERATOR, "/config phrase test man down lol").body;
    assert!(test.contains("**Level:** none") && test.contains("custom.1") && test.contains("guard.laughing"), "{test}");
    ask(&engine, MODERATOR, "/config phrase add-regex concern code (red|blue)");
    let list = ask(&engine, MODERATOR, "/config phrase list").body;
    assert!(
        list.contains("1. emergency: `man down`") && list.contains("2. concern (regex): `code (red|blue)`"),
        "{list}"
    );

    assert!(ask(&engine, MODERATOR, "/config phrase remove 1").body.contains("Removed phrase 1"));
    assert_eq!(chat(&engine, MEMBER, "man down in the back room"), None, "removed phrases stop firing");
    assert!(ask(&engine, MODERATOR, "/config phrase remove 5").body.contains("no phrase 5"));
}

#[test]
fn bad_crisis_phrases_are_refused_and_change_nothing() {
    let engine = engine();
    for (line, reason) in [
        ("/config phrase add-regex emergency (unclosed", "not valid"),
        ("/config phrase add-regex emergency .{0,9}", "matches every message"),
        ("/config phrase add emergency ?!", "3 to 200 characters"),
        (&format!("/config phrase add emergency {}", "word ".repeat(50)), "3 to 200 characters"),
    ] {
        let reply = ask(&engine, MODERATOR, line);
        assert!(reply.body.contains(reason) && reply.body.contains("Nothing changed"), "{line}: {}", reply.body);
    }
    assert!(ask(&engine, MODERATOR, "/config phrase list").body.contains("No phrases of your own yet"));
    let member = ask(&engine, MEMBER, "/config phrase add emergency man down");
    assert!(member.body.contains("Only moderators"));
}

#[test]
fn moderators_keep_a_local_services_directory() {
    let engine = engine();
    let added = ask(
        &engine,
        MODERATOR,
        r#"/config resource add category=naloxone name="Main St Pharmacy" phone=555-0100 hours="Mon-Fri 9-5" area=Old Town notes="Free kits, no ID needed""#,
    );
    assert!(added.body.starts_with("Added Main St Pharmacy as service 1"), "{}", added.body);

    let before_region = ask(&engine, MEMBER, "/resources");
    let text = harbor::console::render(&before_region);
    assert!(
        text.contains("**Main St Pharmacy** (Old Town) — 555-0100 · Mon-Fri 9-5"),
        "listed without a region: {text}"
    );

    ask(&engine, MODERATOR, "/config region us");
    let naloxone = harbor::console::render(&ask(&engine, MEMBER, "/resources naloxone"));
    let local = naloxone.find("Main St Pharmacy").expect("local service listed");
    let national = naloxone.find("NEXT Distro").expect("national default still listed");
    assert!(local < national, "local services come first: {naloxone}");

    let topic = ask(&engine, MEMBER, "/naloxone").more.unwrap().sections;
    let services = topic.iter().find(|s| s.title == "Services in United States").expect("services section");
    assert!(services.body.starts_with("**Main St Pharmacy**"), "{}", services.body);

    let edited = ask(&engine, MODERATOR, "/config resource edit 1 hours=24/7 notes=-");
    assert!(edited.body.contains("Updated service 1"), "{}", edited.body);
    let text = harbor::console::render(&ask(&engine, MEMBER, "/resources naloxone"));
    assert!(text.contains("555-0100 · 24/7") && !text.contains("Free kits"), "{text}");
    assert!(ask(&engine, MODERATOR, "/config resource list").body.contains("1. Main St Pharmacy (Naloxone)"));

    assert!(ask(&engine, MODERATOR, "/config resource remove 1").body.contains("Removed service 1"));
    let text = harbor::console::render(&ask(&engine, MEMBER, "/resources naloxone"));
    assert!(!text.contains("Main St Pharmacy"), "{text}");
}

#[test]
fn bad_services_are_refused_and_change_nothing() {
    let engine = engine();
    for (line, reason) in [
        ("/config resource add category=naloxone name=Spot url=javascript:alert(1)", "not a web address"),
        ("/config resource add category=naloxone name=\"Ping @everyone\"", "name can't hold mentions"),
        ("/config resource add category=pizza name=Spot", "there is no category \"pizza\""),
        ("/config resource add category=naloxone name=Spot colour=red", "there is no field \"colour\""),
        ("/config resource add name=Spot", "needs a category"),
        ("/config resource add category=naloxone", "needs a name"),
    ] {
        let reply = ask(&engine, MODERATOR, line);
        assert!(reply.body.contains(reason) && reply.body.contains("Nothing changed"), "{line}: {}", reply.body);
    }
    assert!(ask(&engine, MODERATOR, "/config resource list").body.contains("No local services yet"));
    assert!(ask(&engine, MODERATOR, "/config resource remove 3").body.contains("no service 3"));
    assert!(ask(&engine, MEMBER, "/config resource add category=other name=Spot").body.contains("Only moderators"));
}

#[test]
fn a_long_directory_still_fits_and_has_a_limit() {
    let engine = engine();
    for i in 1..=50 {
        let line = format!(
            "/config resource add category=naloxone name=\"Pharmacy number {i}\" phone=555-01{i:02} notes=\"{}\"",
            "Free kits at the counter, ask for the harm reduction pack. ".repeat(4)
        );
        assert!(ask(&engine, MODERATOR, &line).body.starts_with("Added"), "service {i}");
    }
    let refused = ask(&engine, MODERATOR, "/config resource add category=naloxone name=One more");
    assert!(refused.body.contains("already lists 50 services"), "{}", refused.body);
    let sections = ask(&engine, MEMBER, "/resources naloxone").more.unwrap().sections;
    assert!(limits::len(&sections[0].body) <= limits::FIELD, "the field fits Discord");
    assert!(sections[0].body.starts_with("**Pharmacy number 1**") && sections[0].body.ends_with('…'));
}

#[test]
fn moderators_see_who_changed_what_newest_first() {
    let engine = engine();
    assert!(ask(&engine, MODERATOR, "/config history").body.contains("No changes yet"));
    ask(&engine, MODERATOR, "/config region gb");
    ask(&engine, MODERATOR, "/config region atlantis");
    ask(&engine, MODERATOR, "/config emergency 112");
    let history = ask(&engine, MODERATOR, "/config history").body;
    let lines: Vec<&str> = history.lines().filter(|l| l.contains(" UTC · ")).collect();
    assert_eq!(lines.len(), 2, "refused changes are not recorded: {history}");
    assert!(lines[0].contains("mod-sam · Emergency number set to 112"), "{history}");
    assert!(lines[1].contains("mod-sam · Region set to United Kingdom"), "{history}");
    assert!(ask(&engine, MEMBER, "/config history").body.contains("Only moderators"));
}

#[test]
fn moderators_preview_a_response_before_saving_it() {
    let engine = engine();
    ask(&engine, MODERATOR, "/config region gb");
    let preview = ask(&engine, MODERATOR, "/config response preview overdose Call {emergency} now, then shout for Jo.");
    assert!(preview.ephemeral, "only the moderator sees a preview");
    assert_eq!(preview.body, "Call 999 now, then shout for Jo.", "shown as members would see it");
    assert!(preview.footer.unwrap().starts_with("Preview only: nothing was saved"));
    assert_ne!(ask(&engine, MEMBER, "/overdose").body, "Call 999 now, then shout for Jo.", "nothing changed");
    assert!(!ask(&engine, MODERATOR, "/config history").body.contains("overdose"), "a preview is no change");

    let warned = ask(&engine, MODERATOR, "/config response preview support Be kind to addicts.");
    assert!(warned.footer.unwrap().contains("\"addicts\""), "the stigma warning shows in the preview");
    // Short as typed, over the limit once "{region}" reads "United Kingdom".
    let too_long = ask(&engine, MODERATOR, &format!("/config response preview naloxone {}", "{region} ".repeat(150)));
    assert!(too_long.body.contains("Nothing was saved"), "{}", too_long.body);
}

#[test]
fn crisis_replies_come_only_in_listening_channels_and_not_twice_during_one_crisis() {
    let engine = engine();
    let start = Instant::now();
    let minutes = |m: u64| start + Duration::from_secs(m * 60);
    assert_eq!(in_channel(&engine, MEMBER, "3001", "he's not breathing", start), None, "no channel chosen yet");
    let added = ask(&engine, MODERATOR, "/config listen add <#3001>").body;
    assert!(added.contains("<#3001>"), "{added}");

    assert_eq!(in_channel(&engine, MEMBER, "3002", "he's not breathing", start), None, "another channel");
    let first = in_channel(&engine, MEMBER, "3001", "i think she took too much", start).expect("a concern reply");
    assert!(first.reply.unwrap().body.contains("stay with them"));
    assert_eq!(in_channel(&engine, MEMBER, "3001", "she took way too much", minutes(1)), None, "cooldown");
    let worse = in_channel(&engine, MEMBER, "3001", "she's not breathing", minutes(2)).expect("escalation is answered");
    assert!(plain(&worse.reply.unwrap().body).starts_with("Call"));
    assert_eq!(in_channel(&engine, MEMBER, "3001", "she's turning blue", minutes(3)), None, "same emergency");
    assert!(in_channel(&engine, MEMBER, "3001", "he's turning blue", minutes(8)).is_some(), "after five minutes");

    ask(&engine, MODERATOR, "/config cooldown 0");
    assert!(in_channel(&engine, MEMBER, "3001", "he's turning blue", minutes(8)).is_some(), "no cooldown");
    assert!(ask(&engine, MODERATOR, "/config listen remove 3001").body.contains("no longer reads <#3001>"));
    assert_eq!(in_channel(&engine, MEMBER, "3001", "he's turning blue", minutes(20)), None, "removed");
}

#[test]
fn alerts_carry_the_level_and_a_link_never_the_message() {
    let engine = engine();
    ask(&engine, MODERATOR, "/config listen add 3001");
    let mode = ask(&engine, MODERATOR, "/config crisis both").body;
    assert!(mode.contains("Alerts need a channel"), "{mode}");
    let no_channel = in_channel(&engine, MEMBER, "3001", "he's not breathing", Instant::now()).unwrap();
    assert!(no_channel.reply.is_some() && no_channel.alert.is_none());

    ask(&engine, MODERATOR, "/config alert #mods");
    ask(&engine, MODERATOR, "/config cooldown 0");
    let both = in_channel(&engine, MEMBER, "3001", "my roommate xyzzy is not breathing", Instant::now()).unwrap();
    let alert = both.alert.expect("an alert");
    assert_eq!(alert.channel, "mods");
    assert!(alert.body.contains("emergency") && alert.body.contains("https://chat.example/c/1/99"), "{}", alert.body);
    assert!(!alert.body.contains("xyzzy") && !alert.body.contains("breathing"), "{}", alert.body);
    assert!(both.reply.is_some());

    ask(&engine, MODERATOR, "/config crisis alert");
    let alert_only = in_channel(&engine, MEMBER, "3001", "he's not breathing", Instant::now()).unwrap();
    assert!(alert_only.reply.is_none() && alert_only.alert.is_some());
    ask(&engine, MODERATOR, "/config crisis off");
    assert_eq!(in_channel(&engine, MEMBER, "3001", "he's not breathing", Instant::now()), None);
}

#[test]
fn members_can_opt_out_of_automatic_replies_and_back_in() {
    let engine = engine();
    let other = Context { user: "someone-else", actor: "someone-else", ..MEMBER };
    ask(&engine, MODERATOR, "/config listen add 3001");
    ask(&engine, MODERATOR, "/config cooldown 0");
    assert!(ask(&engine, MEMBER, "/optout").body.contains("won't reply on its own"));
    assert_eq!(in_channel(&engine, MEMBER, "3001", "he's not breathing", Instant::now()), None);
    assert_eq!(chat(&engine, MEMBER, "he's not breathing"), None, "direct conversations too");
    assert!(in_channel(&engine, other, "3001", "he's not breathing", Instant::now()).is_some(), "others still");
    assert_eq!(ask(&engine, MEMBER, "/naloxone").title, engine.content().topic("naloxone").unwrap().title);
    assert!(!ask(&engine, MODERATOR, "/config history").body.contains("won't reply"), "a member's own choice");

    ask(&engine, MEMBER, "/optin");
    assert!(in_channel(&engine, MEMBER, "3001", "he's not breathing", Instant::now()).is_some());
}

#[test]
fn bad_listening_settings_are_refused_and_change_nothing() {
    let engine = engine();
    let before = ask(&engine, MODERATOR, "/config show").body;
    for (line, expected) in [
        ("/config listen add two words", "isn't a channel"),
        ("/config listen add <@&42>", "isn't a channel"),
        ("/config listen remove 3001", "isn't listening in <#3001>"),
        ("/config alert #a b", "isn't a channel"),
        ("/config cooldown 5000", "0 to 1440 minutes"),
        ("/config crisis loud", "Moderator settings"),
    ] {
        let reply = ask(&engine, MODERATOR, line).body;
        assert!(reply.contains(expected), "{line}: {reply}");
    }
    assert!(ask(&engine, MEMBER, "/config listen add 3001").body.contains("Only moderators"));
    assert_eq!(ask(&engine, MODERATOR, "/config show").body, before);
    assert!(before.contains("**Listening in:** —") && before.contains("**Crisis mode:** reply"), "{before}");
}

/// `/config import`, as an adapter passes a file's text.
fn import(engine: &Engine, ctx: Context<'_>, text: &str, apply: bool) -> String {
    engine.command(ctx, &Command::Config(ConfigCommand::Import { text: text.to_string(), apply })).body
}

/// A community with something in every setting.
fn configure_everything(engine: &Engine, ctx: Context<'_>) {
    for line in [
        "/config region ca",
        "/config emergency 911 or 811",
        "/config response set naloxone Ask at the front desk: we have kits.",
        "/config phrase add emergency man down",
        "/config phrase add-regex concern code (red|blue)",
        r#"/config resource add category=naloxone name="Main St Pharmacy" phone=555-0100 hours="Mon-Fri 9-5""#,
        "/config listen add 3001",
        "/config crisis both",
        "/config alert 3002",
        "/config cooldown 10",
    ] {
        let reply = ask(engine, ctx, line);
        assert!(!reply.body.contains("wasn't") && !reply.body.contains("Moderator settings"), "{line}: {}", reply.body);
    }
}

#[test]
fn a_configuration_exported_and_imported_elsewhere_is_the_same_after_a_dry_run() {
    let engine = engine();
    configure_everything(&engine, MODERATOR);
    let exported = ask(&engine, MODERATOR, "/config export");
    assert!(exported.ephemeral && exported.body.contains("not the history"), "{}", exported.body);
    let file = exported.file.expect("a file");
    assert_eq!(file.name, "harbor-c.toml");
    assert!(file.text.contains("region = \"ca\"") && file.text.contains("Main St Pharmacy"), "{}", file.text);

    let elsewhere = Context { community: "elsewhere", ..MODERATOR };
    let empty = ask(&engine, elsewhere, "/config show").body;
    let preview = import(&engine, elsewhere, &file.text, false);
    assert!(preview.contains("Dry run") && preview.contains("region: — → `ca`"), "{preview}");
    assert!(
        preview.contains("listening in: + <#3001>") && preview.contains("local services: + Main St Pharmacy"),
        "{preview}"
    );
    assert_eq!(ask(&engine, elsewhere, "/config show").body, empty, "a dry run saves nothing");

    let applied = import(&engine, elsewhere, &file.text, true);
    assert!(applied.starts_with("Imported."), "{applied}");
    assert_eq!(ask(&engine, elsewhere, "/config show").body, ask(&engine, MODERATOR, "/config show").body);
    assert_eq!(ask(&engine, elsewhere, "/config export").file.unwrap().text, file.text);
    assert!(ask(&engine, elsewhere, "/config history").body.contains("Imported."), "the import is in the history");
    let again = import(&engine, elsewhere, &file.text, true);
    assert!(again.contains("matches the current settings"), "{again}");
    let member = Context { community: "elsewhere", ..MEMBER };
    assert_eq!(chat(&engine, member, "MAN DOWN over here").map(|r| r.more.is_some()), Some(true), "phrases work");
}

#[test]
fn a_bad_import_says_what_is_wrong_and_changes_nothing() {
    let engine = engine();
    configure_everything(&engine, MODERATOR);
    let before = ask(&engine, MODERATOR, "/config export").file.unwrap().text;
    let good = before.clone();
    for (file, expected) in [
        ("format = 1\nregion = \"ca\"\nemergency = [", "line 3"),
        (&good.replace("region = \"ca\"", "regoin = \"ca\""), "unknown field `regoin`"),
        (&good.replace("region = \"ca\"", "region = \"atlantis\""), "there is no region \"atlantis\""),
        (&good.replace("format = 1", "format = 7"), "format 7"),
        (&good.replace("man down", "x"), "phrases: a phrase is 3 to"),
        (&good.replace("code (red|blue)", "code (red|blue"), "not valid"),
        (&good.replace("phone = \"555-0100\"", "phone = \"555-0100\"\nphon = \"1\""), "unknown field `phon`"),
        (&good.replace("cooldown_minutes = 10", "cooldown_minutes = 99999"), "cooldown_minutes: at most 1440"),
        (&good.replace("alert_channel = \"3002\"", "alert_channel = \"two words\""), "alert_channel: \"two words\""),
        (&format!("{good}\n# {}", "x".repeat(300 * 1024)), "larger than 256 KiB"),
    ] {
        let reply = import(&engine, MODERATOR, file, true);
        assert!(reply.contains(expected), "expected {expected:?} in: {reply}");
        assert!(reply.contains("Nothing changed") || reply.contains("nothing changed"), "{reply}");
        assert_eq!(ask(&engine, MODERATOR, "/config export").file.unwrap().text, before, "after {expected}");
    }
    let refused = import(&engine, MEMBER, &good, true);
    assert!(refused.contains("Only moderators"), "{refused}");
}

#[test]
fn resources_can_be_narrowed_to_an_area_with_national_services_still_listed() {
    let engine = engine();
    for line in [
        "/config region us",
        r#"/config resource add category=naloxone name="Old Town Pharmacy" area="Old Town""#,
        r#"/config resource add category=naloxone name="Riverside Clinic" area=Riverside"#,
        r#"/config resource add category=naloxone name="Mail-order kits""#,
    ] {
        ask(&engine, MODERATOR, line);
    }
    let shown = |line: &str| {
        let reply = ask(&engine, MEMBER, line);
        reply.more.map(|m| m.sections.iter().map(|s| s.body.clone()).collect::<Vec<_>>().join("\n")).unwrap_or_default()
    };
    let old_town = shown("/resources naloxone old town");
    assert!(old_town.contains("Old Town Pharmacy") && old_town.contains("Mail-order kits"), "{old_town}");
    assert!(!old_town.contains("Riverside"), "{old_town}");
    assert!(old_town.find("Mail-order kits") < old_town.find("NEXT Distro"), "local first, then national: {old_town}");
    let riverside = shown("/resources all Riverside");
    assert!(riverside.contains("Riverside Clinic") && !riverside.contains("Old Town Pharmacy"), "{riverside}");
    let everything = shown("/resources");
    assert!(everything.contains("Riverside Clinic") && everything.contains("Old Town Pharmacy"), "{everything}");
    let spaced = shown("/resources syringe services");
    assert!(!spaced.is_empty(), "a two-word category still works");
}
