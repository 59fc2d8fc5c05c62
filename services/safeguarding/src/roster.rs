//! A forum's moderator roster: who is on shift at a given instant, and when
//! the next stretch with nobody on shift begins.
//!
//! Crisis escalations go to the moderators on shift, so this module is what
//! decides who gets told and when the federation partner has to cover. A
//! roster is made of
//!
//! - weekly shifts, in the forum's IANA time zone (daylight saving is
//!   followed: "09:00" means 09:00 on the local wall clock, whatever the UTC
//!   offset that day), and
//! - overrides: one-off stretches between two absolute instants that add
//!   moderators or (with `replace`) stand in for the weekly cover, e.g. nobody
//!   at all on a closure day.
//!
//! A roster comes from the config file ([`Roster::from_config`]) or from the
//! admin API ([`Roster::from_proto`]); both are validated the same way, and a
//! roster that fails validation is never used, because a silently broken rota
//! means escalations reaching nobody.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use jiff::civil::{DateTime, Weekday};
use jiff::tz::TimeZone;
use modstream_config::RosterConfig;
use modstream_proto::convert::system_time;
use modstream_proto::v1;

/// The longest window [`Roster::next_gap`] looks through. It scans minute by
/// minute, and no caller needs more than a year ahead (cover is reported for
/// the coming day).
const MAX_GAP_HORIZON: Duration = Duration::from_secs(366 * 24 * 60 * 60);

/// Minutes in a day: the end of a shift that runs to midnight ("24:00").
const DAY_MINUTES: u16 = 24 * 60;

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// A forum's roster, validated and ready to answer "who is on shift at t".
#[derive(Debug, Clone)]
pub struct Roster {
    tz: TimeZone,
    shifts: Vec<Shift>,
    overrides: Vec<Override>,
    /// What `to_proto` returns: the roster as given (config shifts expanded to
    /// one per day), with the time zone's canonical name.
    proto: v1::Roster,
}

/// Who is on shift at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OnShift {
    /// Moderator ids on shift, sorted, no duplicates.
    pub moderators: Vec<String>,
    /// The lead of a shift on now (the first shift, in roster order, covering
    /// t that has a lead; an override's lead wins when the override applies
    /// and has one). Named separately: the lead counts among `moderators`
    /// only when the shift lists them there too.
    pub lead: Option<String>,
}

/// Why a roster was rejected. Each message starts with the field at fault
/// (`shifts[2].start`, `overrides[0]`, ...), numbered as in the input: for a
/// config roster, `shifts[i]` is the i-th `[[shifts]]` entry before its days
/// are expanded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RosterError {
    #[error("time_zone: {name:?} is not a known IANA time zone")]
    UnknownTimeZone { name: String },
    #[error("{field}: {value:?} is not a time HH:MM")]
    BadTime { field: String, value: String },
    #[error("{field}: \"24:00\" is allowed only as a shift's end")]
    MidnightStart { field: String },
    #[error(
        "{field}: start and end are both {time:?}, so the shift is empty (\"00:00\" to \"24:00\" is the whole day)"
    )]
    EmptyShift { field: String, time: String },
    #[error("{field}: no days given")]
    NoDays { field: String },
    #[error("{field}: {value:?} is not a day (mon, tue, wed, thu, fri, sat, sun or daily)")]
    UnknownDay { field: String, value: String },
    #[error("{field}: {value} is not a weekday (WEEKDAY_MONDAY .. WEEKDAY_SUNDAY)")]
    BadWeekday { field: String, value: String },
    #[error("{field}: {id:?} is not a moderator of this forum")]
    UnknownModerator { field: String, id: String },
    #[error("{field}: missing")]
    MissingInstant { field: String },
    #[error("{field}: not a valid timestamp (before 1970 or nanos out of range)")]
    BadInstant { field: String },
    #[error("{field}: {value:?} is not an RFC 3339 time like \"2026-12-25T00:00:00Z\"")]
    NotRfc3339 { field: String, value: String },
    #[error("{field}: `to` must be after `from`")]
    OverrideNotAfter { field: String },
}

/// One weekly shift on one day.
#[derive(Debug, Clone)]
struct Shift {
    day: Weekday,
    /// Minutes after local midnight, 0 ..= 1439.
    start: u16,
    /// Minutes after local midnight, 0 ..= 1440. Before `start`: the shift
    /// runs past midnight and ends on the next day.
    end: u16,
    moderators: Vec<String>,
    lead: Option<String>,
}

impl Shift {
    /// Whether the shift covers the local wall-clock time `local`.
    ///
    /// Shifts are matched against the instant's local civil time rather than
    /// by turning each shift into absolute instants. Around daylight-saving
    /// changes that is what a rota means: on the spring-forward night the
    /// skipped local hour simply never happens (a 22:00–06:00 shift still
    /// covers every instant of the night, which is an hour shorter), and on
    /// the fall-back night a repeated local time is covered both times it
    /// occurs (the same shift covers a night an hour longer). A shift that
    /// starts inside the skipped hour begins when the clocks resume.
    fn covers(&self, local: DateTime) -> bool {
        let minute =
            u16::from(local.hour().unsigned_abs()) * 60 + u16::from(local.minute().unsigned_abs());
        let day = local.weekday();
        if self.start < self.end {
            day == self.day && (self.start..self.end).contains(&minute)
        } else {
            // Past midnight: the evening part on its own day, the morning
            // part on the next (Sunday's runs into Monday).
            (day == self.day && minute >= self.start)
                || (day == self.day.next() && minute < self.end)
        }
    }
}

/// One override, validated: [from, to) with to > from.
#[derive(Debug, Clone)]
struct Override {
    from: Timestamp,
    to: Timestamp,
    moderators: Vec<String>,
    lead: Option<String>,
    replace: bool,
}

impl Override {
    fn applies_at(&self, at: Timestamp) -> bool {
        self.from <= at && at < self.to
    }
}

/// The forum's moderator ids, for checking every id a roster names.
struct Known<'a>(HashSet<&'a str>);

impl<'a> Known<'a> {
    fn new(ids: &'a [String]) -> Self {
        Self(ids.iter().map(String::as_str).collect())
    }

    fn check(&self, field: &str, id: &str) -> Result<(), RosterError> {
        if self.0.contains(id) {
            Ok(())
        } else {
            Err(RosterError::UnknownModerator {
                field: field.to_owned(),
                id: id.to_owned(),
            })
        }
    }

    fn check_all(&self, field: &str, ids: &[String]) -> Result<(), RosterError> {
        ids.iter().try_for_each(|id| self.check(field, id))
    }
}

impl Roster {
    /// An empty roster (nobody ever on shift), in UTC.
    pub fn empty(forum_id: &str) -> Self {
        Self {
            tz: TimeZone::UTC,
            shifts: Vec::new(),
            overrides: Vec::new(),
            proto: v1::Roster {
                forum_id: forum_id.to_owned(),
                time_zone: "UTC".to_owned(),
                shifts: Vec::new(),
                overrides: Vec::new(),
            },
        }
    }

    /// From the config file's roster. `known_moderators` are the forum's
    /// moderator ids; every id in shifts must be one of them. A shift on
    /// several days becomes one weekly shift per day.
    pub fn from_config(
        forum_id: &str,
        config: &RosterConfig,
        known_moderators: &[String],
    ) -> Result<Self, RosterError> {
        let known = Known::new(known_moderators);
        let (tz, time_zone) = time_zone(&config.time_zone)?;
        let mut shifts = Vec::new();
        let mut proto_shifts = Vec::new();
        for (i, shift) in config.shifts.iter().enumerate() {
            let field = format!("shifts[{i}]");
            let days = config_days(&field, &shift.days)?;
            let (start, end) = shift_times(&field, &shift.start, &shift.end)?;
            known.check_all(&format!("{field}.moderators"), &shift.moderators)?;
            if let Some(lead) = &shift.lead {
                known.check(&format!("{field}.lead"), lead)?;
            }
            // The proto (and so the admin API) has one day per shift.
            for day in days {
                shifts.push(Shift {
                    day,
                    start,
                    end,
                    moderators: shift.moderators.clone(),
                    lead: shift.lead.clone(),
                });
                proto_shifts.push(v1::WeeklyShift {
                    day: proto_weekday(day) as i32,
                    start: shift.start.clone(),
                    end: shift.end.clone(),
                    moderator_ids: shift.moderators.clone(),
                    lead_id: shift.lead.clone().unwrap_or_default(),
                });
            }
        }
        let mut overrides = Vec::with_capacity(config.overrides.len());
        for (i, o) in config.overrides.iter().enumerate() {
            let field = format!("overrides[{i}]");
            let at = |name: &str, text: &str| {
                text.parse::<jiff::Timestamp>()
                    .map(|t| prost_types::Timestamp {
                        seconds: t.as_second(),
                        nanos: t.subsec_nanosecond(),
                    })
                    .map_err(|_| RosterError::NotRfc3339 {
                        field: format!("{field}.{name}"),
                        value: text.to_owned(),
                    })
            };
            overrides.push(v1::RosterOverride {
                from: Some(at("from", &o.from)?),
                to: Some(at("to", &o.to)?),
                moderator_ids: o.moderators.clone(),
                lead_id: o.lead.clone().unwrap_or_default(),
                replace: o.replace,
                note: o.note.clone(),
            });
        }
        let proto = v1::Roster {
            forum_id: forum_id.to_owned(),
            time_zone,
            shifts: proto_shifts,
            overrides: Vec::new(),
        };
        if !overrides.is_empty() {
            // Overrides are checked the one way the admin API's are.
            return Self::from_proto(&v1::Roster { overrides, ..proto }, known_moderators);
        }
        Ok(Self {
            tz,
            shifts,
            overrides: Vec::new(),
            proto,
        })
    }

    /// From the admin API's roster message (validated the same way).
    pub fn from_proto(
        roster: &v1::Roster,
        known_moderators: &[String],
    ) -> Result<Self, RosterError> {
        let known = Known::new(known_moderators);
        let (tz, time_zone) = time_zone(&roster.time_zone)?;

        let mut shifts = Vec::with_capacity(roster.shifts.len());
        for (i, shift) in roster.shifts.iter().enumerate() {
            let field = format!("shifts[{i}]");
            let day = weekday_from_proto(&format!("{field}.day"), shift.day)?;
            let (start, end) = shift_times(&field, &shift.start, &shift.end)?;
            known.check_all(&format!("{field}.moderator_ids"), &shift.moderator_ids)?;
            let lead = non_empty(&shift.lead_id);
            if let Some(lead) = &lead {
                known.check(&format!("{field}.lead_id"), lead)?;
            }
            shifts.push(Shift {
                day,
                start,
                end,
                moderators: shift.moderator_ids.clone(),
                lead,
            });
        }

        let mut overrides = Vec::with_capacity(roster.overrides.len());
        for (i, o) in roster.overrides.iter().enumerate() {
            let field = format!("overrides[{i}]");
            let from = instant(&format!("{field}.from"), o.from.as_ref())?;
            let to = instant(&format!("{field}.to"), o.to.as_ref())?;
            if to <= from {
                return Err(RosterError::OverrideNotAfter { field });
            }
            known.check_all(&format!("{field}.moderator_ids"), &o.moderator_ids)?;
            let lead = non_empty(&o.lead_id);
            if let Some(lead) = &lead {
                known.check(&format!("{field}.lead_id"), lead)?;
            }
            overrides.push(Override {
                from,
                to,
                moderators: o.moderator_ids.clone(),
                lead,
                replace: o.replace,
            });
        }

        Ok(Self {
            tz,
            shifts,
            overrides,
            proto: v1::Roster {
                time_zone,
                ..roster.clone()
            },
        })
    }

    /// The proto form (for GetRoster and for storage).
    /// `from_proto(&r.to_proto(), ..)` round-trips.
    pub fn to_proto(&self) -> v1::Roster {
        self.proto.clone()
    }

    /// Who is on shift at `at`.
    pub fn on_shift(&self, at: SystemTime) -> OnShift {
        match Timestamp::try_from(at) {
            Ok(at) => self.on_shift_at(at),
            // Beyond the years jiff handles (±9999): no roster reaches there.
            Err(_) => OnShift::default(),
        }
    }

    /// The first stretch within [from, from + horizon) during which nobody is
    /// on shift, as (gap start, gap end), the end cut at from + horizon. None
    /// when covered throughout.
    ///
    /// Exact for every time zone in use today (see `next_candidate`).
    /// Horizons longer than a year are cut to a year.
    pub fn next_gap(
        &self,
        from: SystemTime,
        horizon: Duration,
    ) -> Option<(SystemTime, SystemTime)> {
        let horizon = horizon.min(MAX_GAP_HORIZON);
        if horizon.is_zero() {
            return None;
        }
        let window_end = from.checked_add(horizon)?;
        let (Ok(start), Ok(end)) = (Timestamp::try_from(from), Timestamp::try_from(window_end))
        else {
            // Outside jiff's range nobody is on shift (see `on_shift`).
            return Some((from, window_end));
        };

        // Cover is constant between the instants `next_candidate` visits, so
        // checking only those finds every change exactly.
        let mut gap_start = None;
        let mut t = start;
        while t < end {
            let covered = !self.on_shift_at(t).moderators.is_empty();
            match gap_start {
                None if !covered => gap_start = Some(t),
                Some(gap) if covered => return Some((to_system_time(gap, start, from), t.into())),
                _ => {}
            }
            t = self.next_candidate(t, end);
        }
        gap_start.map(|gap| (to_system_time(gap, start, from), window_end))
    }

    fn on_shift_at(&self, at: Timestamp) -> OnShift {
        let applying = || self.overrides.iter().filter(move |o| o.applies_at(at));
        let mut moderators: BTreeSet<&str> = BTreeSet::new();
        let mut lead: Option<&str> = None;

        if applying().any(|o| o.replace) {
            // Replacing overrides stand in for the weekly cover, leads
            // included; several at once pool their moderators.
            for o in applying().filter(|o| o.replace) {
                moderators.extend(o.moderators.iter().map(String::as_str));
                lead = lead.or(o.lead.as_deref());
            }
        } else {
            let local = self.tz.to_datetime(at);
            for shift in self.shifts.iter().filter(|s| s.covers(local)) {
                moderators.extend(shift.moderators.iter().map(String::as_str));
                lead = lead.or(shift.lead.as_deref());
            }
        }

        // Additive overrides go on top of whatever the cover is, and their
        // lead (when they name one) takes over: whoever arranged the extra
        // cover meant that person to lead it.
        let mut override_lead: Option<&str> = None;
        for o in applying().filter(|o| !o.replace) {
            moderators.extend(o.moderators.iter().map(String::as_str));
            override_lead = override_lead.or(o.lead.as_deref());
        }

        OnShift {
            moderators: moderators.into_iter().map(str::to_owned).collect(),
            lead: override_lead.or(lead).map(str::to_owned),
        }
    }

    /// The next instant after `t` (at most `end`) at which cover may change:
    /// the next whole UTC minute, or an override's start or end if sooner.
    ///
    /// Weekly shifts start and end on whole local minutes, and every time
    /// zone in use today is a whole number of minutes off UTC (daylight-saving
    /// changes happen on whole minutes too), so local minute boundaries are
    /// UTC minute boundaries.
    fn next_candidate(&self, t: Timestamp, end: Timestamp) -> Timestamp {
        // Floor to the minute, also for instants before 1970 (negative
        // seconds with negative nanos).
        let floor_second = t.as_second() - i64::from(t.subsec_nanosecond() < 0);
        let next_minute = floor_second
            .div_euclid(60)
            .checked_add(1)
            .and_then(|m| m.checked_mul(60))
            .and_then(|s| Timestamp::from_second(s).ok())
            .map_or(end, |m| m.min(end));
        self.overrides
            .iter()
            .flat_map(|o| [o.from, o.to])
            .filter(|&b| b > t)
            .fold(next_minute, Timestamp::min)
    }
}

/// `gap` as a SystemTime, giving back the caller's own `from` when the gap
/// starts there (so the answer compares equal to it, sub-nanosecond parts
/// and all).
fn to_system_time(gap: Timestamp, start: Timestamp, from: SystemTime) -> SystemTime {
    if gap == start { from } else { gap.into() }
}

/// The zone by IANA name (case-insensitive), and its canonical name to store.
fn time_zone(name: &str) -> Result<(TimeZone, String), RosterError> {
    let tz = TimeZone::get(name).map_err(|_| RosterError::UnknownTimeZone {
        name: name.to_owned(),
    })?;
    let canonical = tz.iana_name().unwrap_or(name).to_owned();
    Ok((tz, canonical))
}

/// A config shift's `days`, in the order given, without repeats.
fn config_days(field: &str, days: &[String]) -> Result<Vec<Weekday>, RosterError> {
    if days.is_empty() {
        return Err(RosterError::NoDays {
            field: format!("{field}.days"),
        });
    }
    let mut out = Vec::new();
    for (j, name) in days.iter().enumerate() {
        let parsed: &[Weekday] = match name.to_ascii_lowercase().as_str() {
            "mon" => &[Weekday::Monday],
            "tue" => &[Weekday::Tuesday],
            "wed" => &[Weekday::Wednesday],
            "thu" => &[Weekday::Thursday],
            "fri" => &[Weekday::Friday],
            "sat" => &[Weekday::Saturday],
            "sun" => &[Weekday::Sunday],
            "daily" => &ALL_DAYS,
            _ => {
                return Err(RosterError::UnknownDay {
                    field: format!("{field}.days[{j}]"),
                    value: name.clone(),
                });
            }
        };
        for day in parsed {
            if !out.contains(day) {
                out.push(*day);
            }
        }
    }
    Ok(out)
}

/// A shift's start and end in minutes after midnight, checked together.
fn shift_times(field: &str, start: &str, end: &str) -> Result<(u16, u16), RosterError> {
    let start_field = format!("{field}.start");
    let start_minutes = minutes(&start_field, start)?;
    if start_minutes == DAY_MINUTES {
        return Err(RosterError::MidnightStart { field: start_field });
    }
    let end_minutes = minutes(&format!("{field}.end"), end)?;
    if start_minutes == end_minutes {
        return Err(RosterError::EmptyShift {
            field: field.to_owned(),
            time: start.to_owned(),
        });
    }
    Ok((start_minutes, end_minutes))
}

/// "HH:MM" (exactly; "24:00" allowed) as minutes after midnight.
fn minutes(field: &str, value: &str) -> Result<u16, RosterError> {
    let bad = || RosterError::BadTime {
        field: field.to_owned(),
        value: value.to_owned(),
    };
    let &[h1, h0, b':', m1, m0] = value.as_bytes() else {
        return Err(bad());
    };
    let digit = |b: u8| {
        if b.is_ascii_digit() {
            Some(u16::from(b - b'0'))
        } else {
            None
        }
    };
    let (Some(h1), Some(h0), Some(m1), Some(m0)) = (digit(h1), digit(h0), digit(m1), digit(m0))
    else {
        return Err(bad());
    };
    let (hour, minute) = (h1 * 10 + h0, m1 * 10 + m0);
    let total = hour * 60 + minute;
    if minute > 59 || total > DAY_MINUTES {
        return Err(bad());
    }
    Ok(total)
}

fn weekday_from_proto(field: &str, value: i32) -> Result<Weekday, RosterError> {
    let bad = |value: String| RosterError::BadWeekday {
        field: field.to_owned(),
        value,
    };
    match v1::Weekday::try_from(value) {
        Ok(v1::Weekday::Monday) => Ok(Weekday::Monday),
        Ok(v1::Weekday::Tuesday) => Ok(Weekday::Tuesday),
        Ok(v1::Weekday::Wednesday) => Ok(Weekday::Wednesday),
        Ok(v1::Weekday::Thursday) => Ok(Weekday::Thursday),
        Ok(v1::Weekday::Friday) => Ok(Weekday::Friday),
        Ok(v1::Weekday::Saturday) => Ok(Weekday::Saturday),
        Ok(v1::Weekday::Sunday) => Ok(Weekday::Sunday),
        Ok(v1::Weekday::Unspecified) => Err(bad(v1::Weekday::Unspecified.as_str_name().to_owned())),
        Err(_) => Err(bad(value.to_string())),
    }
}

fn proto_weekday(day: Weekday) -> v1::Weekday {
    match day {
        Weekday::Monday => v1::Weekday::Monday,
        Weekday::Tuesday => v1::Weekday::Tuesday,
        Weekday::Wednesday => v1::Weekday::Wednesday,
        Weekday::Thursday => v1::Weekday::Thursday,
        Weekday::Friday => v1::Weekday::Friday,
        Weekday::Saturday => v1::Weekday::Saturday,
        Weekday::Sunday => v1::Weekday::Sunday,
    }
}

/// An override's `from` or `to`.
fn instant(field: &str, ts: Option<&prost_types::Timestamp>) -> Result<Timestamp, RosterError> {
    let ts = ts.ok_or_else(|| RosterError::MissingInstant {
        field: field.to_owned(),
    })?;
    system_time(ts)
        .and_then(|t| Timestamp::try_from(t).ok())
        .ok_or_else(|| RosterError::BadInstant {
            field: field.to_owned(),
        })
}

/// Proto strings are "" when unset.
fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use modstream_config::ShiftConfig;
    use modstream_proto::convert::timestamp;

    const HOUR: Duration = Duration::from_secs(60 * 60);

    /// An instant written as RFC 3339, e.g. "2026-03-28T08:30Z".
    fn at(s: &str) -> SystemTime {
        s.parse::<Timestamp>().expect("test instant").into()
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn known() -> Vec<String> {
        ids(&["mod-a", "mod-b", "mod-c", "mod-d"])
    }

    fn shift(
        days: &[&str],
        start: &str,
        end: &str,
        mods: &[&str],
        lead: Option<&str>,
    ) -> ShiftConfig {
        ShiftConfig {
            days: ids(days),
            start: start.to_owned(),
            end: end.to_owned(),
            moderators: ids(mods),
            lead: lead.map(str::to_owned),
        }
    }

    fn config(tz: &str, shifts: Vec<ShiftConfig>) -> RosterConfig {
        RosterConfig {
            time_zone: tz.to_owned(),
            shifts,
            overrides: Vec::new(),
        }
    }

    fn roster(tz: &str, shifts: Vec<ShiftConfig>) -> Roster {
        Roster::from_config("forum-1", &config(tz, shifts), &known()).expect("valid roster")
    }

    fn on(r: &Roster, t: &str) -> Vec<String> {
        r.on_shift(at(t)).moderators
    }

    fn covered(r: &Roster, t: SystemTime) -> bool {
        !r.on_shift(t).moderators.is_empty()
    }

    fn config_error(tz: &str, shifts: Vec<ShiftConfig>) -> String {
        Roster::from_config("forum-1", &config(tz, shifts), &known())
            .expect_err("invalid roster")
            .to_string()
    }

    fn override_(
        from: &str,
        to: &str,
        mods: &[&str],
        lead: &str,
        replace: bool,
    ) -> v1::RosterOverride {
        v1::RosterOverride {
            from: Some(timestamp(at(from))),
            to: Some(timestamp(at(to))),
            moderator_ids: ids(mods),
            lead_id: lead.to_owned(),
            replace,
            note: String::new(),
        }
    }

    /// `base` (a config roster) with overrides added, through the admin API
    /// form.
    fn with_overrides(base: &Roster, overrides: Vec<v1::RosterOverride>) -> Roster {
        let mut proto = base.to_proto();
        proto.overrides = overrides;
        Roster::from_proto(&proto, &known()).expect("valid overrides")
    }

    #[test]
    fn weekday_daytime_shift() {
        // January: London is on GMT, local time == UTC.
        let r = roster(
            "Europe/London",
            vec![shift(&["mon"], "09:00", "17:00", &["mod-b", "mod-a"], None)],
        );
        // Monday 2026-01-05.
        assert!(on(&r, "2026-01-05T08:59:59Z").is_empty());
        assert_eq!(
            on(&r, "2026-01-05T09:00Z"),
            ids(&["mod-a", "mod-b"]),
            "sorted"
        );
        assert_eq!(on(&r, "2026-01-05T16:59:59.999Z"), ids(&["mod-a", "mod-b"]));
        assert!(
            on(&r, "2026-01-05T17:00Z").is_empty(),
            "the end is exclusive"
        );
        // Same time on Tuesday and on the Sunday before: not rostered.
        assert!(on(&r, "2026-01-06T10:00Z").is_empty());
        assert!(on(&r, "2026-01-04T10:00Z").is_empty());
        // Next Monday again.
        assert_eq!(on(&r, "2026-01-12T12:00Z"), ids(&["mod-a", "mod-b"]));
    }

    #[test]
    fn overnight_shift_runs_past_midnight() {
        let r = roster(
            "Europe/London",
            vec![shift(&["fri"], "22:00", "06:00", &["mod-a"], None)],
        );
        // Friday 2026-01-09 into Saturday 2026-01-10 (GMT).
        assert!(on(&r, "2026-01-09T21:59Z").is_empty());
        assert_eq!(on(&r, "2026-01-09T22:00Z"), ids(&["mod-a"]));
        assert_eq!(on(&r, "2026-01-09T23:59:59Z"), ids(&["mod-a"]));
        assert_eq!(on(&r, "2026-01-10T00:00Z"), ids(&["mod-a"]));
        assert_eq!(on(&r, "2026-01-10T05:59Z"), ids(&["mod-a"]));
        assert!(on(&r, "2026-01-10T06:00Z").is_empty());
        // Friday's early hours belong to Thursday night, which isn't rostered;
        // neither is Saturday night.
        assert!(on(&r, "2026-01-09T03:00Z").is_empty());
        assert!(on(&r, "2026-01-10T23:00Z").is_empty());
    }

    #[test]
    fn sunday_night_shift_wraps_into_monday() {
        let r = roster(
            "Europe/London",
            vec![shift(&["sun"], "20:00", "04:00", &["mod-c"], None)],
        );
        assert_eq!(
            on(&r, "2026-01-11T21:00Z"),
            ids(&["mod-c"]),
            "Sunday evening"
        );
        assert_eq!(
            on(&r, "2026-01-12T03:30Z"),
            ids(&["mod-c"]),
            "Monday morning"
        );
        assert!(on(&r, "2026-01-12T04:00Z").is_empty());
        assert!(
            on(&r, "2026-01-13T03:30Z").is_empty(),
            "not Tuesday morning"
        );
        assert!(on(&r, "2026-01-11T03:30Z").is_empty(), "not Sunday morning");
    }

    #[test]
    fn end_at_midnight_both_ways() {
        // "22:00"-"00:00" and "22:00"-"24:00" both end at midnight.
        for end in ["00:00", "24:00"] {
            let r = roster("UTC", vec![shift(&["wed"], "22:00", end, &["mod-a"], None)]);
            assert_eq!(on(&r, "2026-01-07T23:59:59Z"), ids(&["mod-a"]), "end {end}");
            assert!(on(&r, "2026-01-08T00:00Z").is_empty(), "end {end}");
        }
    }

    #[test]
    fn whole_day_shift() {
        let r = roster(
            "Europe/London",
            vec![shift(&["wed"], "00:00", "24:00", &["mod-a"], None)],
        );
        assert!(on(&r, "2026-01-06T23:59:59Z").is_empty());
        assert_eq!(on(&r, "2026-01-07T00:00Z"), ids(&["mod-a"]));
        assert_eq!(on(&r, "2026-01-07T12:00Z"), ids(&["mod-a"]));
        assert_eq!(on(&r, "2026-01-07T23:59:59Z"), ids(&["mod-a"]));
        assert!(on(&r, "2026-01-08T00:00Z").is_empty());
    }

    #[test]
    fn days_are_case_insensitive_and_daily_is_every_day() {
        let r = roster(
            "UTC",
            vec![shift(&["Daily"], "00:00", "24:00", &["mod-a"], None)],
        );
        assert_eq!(r.to_proto().shifts.len(), 7);
        for day in 5..=11 {
            assert_eq!(on(&r, &format!("2026-01-{day:02}T12:00Z")), ids(&["mod-a"]));
        }
        let r = roster(
            "UTC",
            vec![shift(
                &["MON", "Tue", "mon"],
                "09:00",
                "17:00",
                &["mod-a"],
                None,
            )],
        );
        let days: Vec<i32> = r.to_proto().shifts.iter().map(|s| s.day).collect();
        assert_eq!(
            days,
            vec![v1::Weekday::Monday as i32, v1::Weekday::Tuesday as i32]
        );
    }

    #[test]
    fn london_follows_daylight_saving() {
        let r = roster(
            "Europe/London",
            vec![shift(&["daily"], "09:00", "17:00", &["mod-a"], None)],
        );
        // Saturday 2026-03-28, GMT (UTC+0): 08:30 UTC is 08:30 local, before the shift.
        assert!(on(&r, "2026-03-28T08:30Z").is_empty());
        assert_eq!(on(&r, "2026-03-28T16:30Z"), ids(&["mod-a"]));
        // Monday 2026-03-30, BST (UTC+1): 08:30 UTC is 09:30 local, on shift;
        // 16:30 UTC is 17:30 local, off.
        assert_eq!(on(&r, "2026-03-30T08:30Z"), ids(&["mod-a"]));
        assert!(on(&r, "2026-03-30T16:30Z").is_empty());
        assert_eq!(on(&r, "2026-03-30T08:00Z"), ids(&["mod-a"]), "09:00 BST");
        assert!(on(&r, "2026-03-30T07:59Z").is_empty());
    }

    /// Every instant from `first` (inclusive) to `last` (exclusive), a minute
    /// and a few seconds apart.
    fn every_instant(first: &str, last: &str) -> Vec<SystemTime> {
        let (first, last) = (at(first), at(last));
        let mut out = Vec::new();
        let mut t = first;
        while t < last {
            out.push(t);
            out.push(t + Duration::from_secs(59));
            t += Duration::from_secs(60);
        }
        out
    }

    #[test]
    fn overnight_shift_covers_the_spring_forward_night() {
        // Sunday 2026-03-29: London clocks go from 01:00 GMT to 02:00 BST,
        // at 01:00 UTC. Saturday 22:00 GMT = 22:00 UTC; Sunday 06:00 BST =
        // 05:00 UTC: a seven-hour night.
        let r = roster(
            "Europe/London",
            vec![shift(&["sat"], "22:00", "06:00", &["mod-a"], None)],
        );
        assert!(!covered(&r, at("2026-03-28T21:59:59Z")));
        for t in every_instant("2026-03-28T22:00Z", "2026-03-29T05:00Z") {
            assert!(covered(&r, t), "{:?}", Timestamp::try_from(t));
        }
        assert!(!covered(&r, at("2026-03-29T05:00Z")));
        assert_eq!(r.next_gap(at("2026-03-28T22:00Z"), 7 * HOUR), None);
        assert_eq!(
            r.next_gap(at("2026-03-28T22:00Z"), 8 * HOUR),
            Some((at("2026-03-29T05:00Z"), at("2026-03-29T06:00Z")))
        );
    }

    #[test]
    fn overnight_shift_covers_the_fall_back_night() {
        // Sunday 2026-10-25: London clocks go from 02:00 BST back to 01:00
        // GMT, at 01:00 UTC. Saturday 22:00 BST = 21:00 UTC; Sunday 06:00 GMT
        // = 06:00 UTC: a nine-hour night.
        let r = roster(
            "Europe/London",
            vec![shift(&["sat"], "22:00", "06:00", &["mod-a"], None)],
        );
        assert!(!covered(&r, at("2026-10-24T20:59:59Z")));
        for t in every_instant("2026-10-24T21:00Z", "2026-10-25T06:00Z") {
            assert!(covered(&r, t), "{:?}", Timestamp::try_from(t));
        }
        assert!(!covered(&r, at("2026-10-25T06:00Z")));
        assert_eq!(r.next_gap(at("2026-10-24T21:00Z"), 9 * HOUR), None);
    }

    #[test]
    fn shifts_inside_the_changed_hour_follow_the_local_clock() {
        // The documented choice: match the instant's local wall-clock time.
        // 01:00-01:30 on the fall-back Sunday happens twice, and is covered
        // both times (00:00-00:30 UTC in BST, 01:00-01:30 UTC in GMT).
        let r = roster(
            "Europe/London",
            vec![shift(&["sun"], "01:00", "01:30", &["mod-a"], None)],
        );
        assert!(covered(&r, at("2026-10-25T00:15Z")));
        assert!(!covered(&r, at("2026-10-25T00:45Z")), "01:45 BST");
        assert!(covered(&r, at("2026-10-25T01:15Z")));
        assert!(!covered(&r, at("2026-10-25T01:30Z")));
        // On the spring-forward Sunday 01:00-01:59 never happens locally.
        for t in every_instant("2026-03-28T23:00Z", "2026-03-29T03:00Z") {
            assert!(!covered(&r, t));
        }
        // A shift starting in the skipped hour starts when the clocks resume.
        let r = roster(
            "Europe/London",
            vec![shift(&["sun"], "01:30", "03:00", &["mod-a"], None)],
        );
        assert!(!covered(&r, at("2026-03-29T00:59:59Z")));
        assert!(covered(&r, at("2026-03-29T01:00Z")), "02:00 BST");
        assert!(!covered(&r, at("2026-03-29T02:00Z")), "03:00 BST");
    }

    #[test]
    fn other_zones() {
        // New York: 09:00 local is 14:00 UTC in January (EST), 13:00 UTC in
        // July (EDT).
        let r = roster(
            "America/New_York",
            vec![shift(
                &["mon", "tue", "wed", "thu", "fri"],
                "09:00",
                "17:00",
                &["mod-a"],
                None,
            )],
        );
        assert!(on(&r, "2026-01-05T13:59Z").is_empty());
        assert_eq!(on(&r, "2026-01-05T14:00Z"), ids(&["mod-a"]));
        assert!(on(&r, "2026-07-06T12:59Z").is_empty());
        assert_eq!(on(&r, "2026-07-06T13:00Z"), ids(&["mod-a"]));
        assert_eq!(on(&r, "2026-07-06T20:59Z"), ids(&["mod-a"]));
        assert!(on(&r, "2026-07-06T21:00Z").is_empty());

        // Sydney (AEDT, UTC+11 in January): Monday 09:00 local is Sunday
        // 22:00 UTC, so the weekday is the local one.
        let r = roster(
            "Australia/Sydney",
            vec![shift(&["mon"], "09:00", "17:00", &["mod-a"], None)],
        );
        assert_eq!(on(&r, "2026-01-04T22:30Z"), ids(&["mod-a"]));
        assert!(on(&r, "2026-01-05T22:30Z").is_empty(), "Tuesday local");
        // July: AEST, UTC+10.
        assert!(on(&r, "2026-07-05T22:30Z").is_empty(), "08:30 local");
        assert_eq!(on(&r, "2026-07-05T23:30Z"), ids(&["mod-a"]));
    }

    #[test]
    fn lead_is_the_first_covering_shift_with_one() {
        let r = roster(
            "UTC",
            vec![
                shift(&["mon"], "09:00", "17:00", &["mod-a"], None),
                shift(&["mon"], "12:00", "20:00", &["mod-b"], Some("mod-c")),
                shift(&["mon"], "12:00", "20:00", &["mod-d"], Some("mod-d")),
            ],
        );
        assert_eq!(
            r.on_shift(at("2026-01-05T10:00Z")),
            OnShift {
                moderators: ids(&["mod-a"]),
                lead: None
            }
        );
        assert_eq!(
            r.on_shift(at("2026-01-05T13:00Z")),
            OnShift {
                moderators: ids(&["mod-a", "mod-b", "mod-d"]),
                lead: Some("mod-c".to_owned()),
            },
            "the lead need not be among the moderators"
        );
    }

    #[test]
    fn duplicates_are_removed() {
        let r = roster(
            "UTC",
            vec![
                shift(
                    &["daily"],
                    "00:00",
                    "24:00",
                    &["mod-b", "mod-a", "mod-b"],
                    None,
                ),
                shift(&["daily"], "08:00", "18:00", &["mod-a"], None),
            ],
        );
        assert_eq!(on(&r, "2026-01-05T12:00Z"), ids(&["mod-a", "mod-b"]));
    }

    #[test]
    fn replacing_override_with_nobody_is_a_closure() {
        let base = roster(
            "UTC",
            vec![shift(
                &["daily"],
                "00:00",
                "24:00",
                &["mod-a"],
                Some("mod-a"),
            )],
        );
        let r = with_overrides(
            &base,
            vec![override_(
                "2026-12-25T00:00Z",
                "2026-12-26T00:00Z",
                &[],
                "",
                true,
            )],
        );
        assert_eq!(r.on_shift(at("2026-12-25T12:00Z")), OnShift::default());
        assert_eq!(on(&r, "2026-12-24T23:59:59Z"), ids(&["mod-a"]));
        assert_eq!(
            on(&r, "2026-12-26T00:00Z"),
            ids(&["mod-a"]),
            "`to` is exclusive"
        );
        assert_eq!(
            r.next_gap(at("2026-12-24T12:00Z"), 48 * HOUR),
            Some((at("2026-12-25T00:00Z"), at("2026-12-26T00:00Z")))
        );
    }

    #[test]
    fn replacing_override_with_its_own_cover_and_lead() {
        let base = roster(
            "UTC",
            vec![shift(
                &["daily"],
                "00:00",
                "24:00",
                &["mod-a"],
                Some("mod-a"),
            )],
        );
        let r = with_overrides(
            &base,
            vec![
                override_(
                    "2026-06-01T00:00Z",
                    "2026-06-02T00:00Z",
                    &["mod-c"],
                    "mod-c",
                    true,
                ),
                override_(
                    "2026-06-01T12:00Z",
                    "2026-06-01T13:00Z",
                    &["mod-b"],
                    "",
                    true,
                ),
            ],
        );
        assert_eq!(
            r.on_shift(at("2026-06-01T09:00Z")),
            OnShift {
                moderators: ids(&["mod-c"]),
                lead: Some("mod-c".to_owned())
            }
        );
        // Two replacing overrides at once: their moderators pooled.
        assert_eq!(
            r.on_shift(at("2026-06-01T12:30Z")),
            OnShift {
                moderators: ids(&["mod-b", "mod-c"]),
                lead: Some("mod-c".to_owned())
            }
        );
        // A replacing override without a lead drops the weekly lead too.
        let r = with_overrides(
            &base,
            vec![override_(
                "2026-06-01T00:00Z",
                "2026-06-02T00:00Z",
                &["mod-b"],
                "",
                true,
            )],
        );
        assert_eq!(
            r.on_shift(at("2026-06-01T09:00Z")),
            OnShift {
                moderators: ids(&["mod-b"]),
                lead: None
            }
        );
    }

    #[test]
    fn additive_override_adds_a_moderator_and_its_lead_wins() {
        let base = roster(
            "UTC",
            vec![shift(
                &["daily"],
                "09:00",
                "17:00",
                &["mod-b"],
                Some("mod-b"),
            )],
        );
        let r = with_overrides(
            &base,
            vec![
                override_(
                    "2026-06-01T10:00Z",
                    "2026-06-01T20:00Z",
                    &["mod-a"],
                    "",
                    false,
                ),
                override_(
                    "2026-06-01T15:00Z",
                    "2026-06-01T16:00Z",
                    &["mod-c"],
                    "mod-c",
                    false,
                ),
            ],
        );
        assert_eq!(
            r.on_shift(at("2026-06-01T11:00Z")),
            OnShift {
                moderators: ids(&["mod-a", "mod-b"]),
                lead: Some("mod-b".to_owned())
            }
        );
        assert_eq!(
            r.on_shift(at("2026-06-01T15:30Z")),
            OnShift {
                moderators: ids(&["mod-a", "mod-b", "mod-c"]),
                lead: Some("mod-c".to_owned())
            }
        );
        // After the weekly shift, the extra moderator alone.
        assert_eq!(
            r.on_shift(at("2026-06-01T18:00Z")),
            OnShift {
                moderators: ids(&["mod-a"]),
                lead: None
            }
        );
        assert!(on(&r, "2026-06-01T20:00Z").is_empty());
    }

    #[test]
    fn replacing_overrides_apply_before_additive_ones() {
        let base = roster(
            "UTC",
            vec![shift(&["daily"], "00:00", "24:00", &["mod-a"], None)],
        );
        let r = with_overrides(
            &base,
            vec![
                override_(
                    "2026-06-01T00:00Z",
                    "2026-06-02T00:00Z",
                    &["mod-d"],
                    "",
                    false,
                ),
                override_("2026-06-01T00:00Z", "2026-06-02T00:00Z", &[], "", true),
            ],
        );
        assert_eq!(on(&r, "2026-06-01T12:00Z"), ids(&["mod-d"]));
    }

    #[test]
    fn next_gap_of_a_daytime_roster() {
        let r = roster(
            "UTC",
            vec![shift(&["daily"], "09:00", "17:00", &["mod-a"], None)],
        );
        let day = 24 * HOUR;
        assert_eq!(
            r.next_gap(at("2026-01-05T10:00Z"), day),
            Some((at("2026-01-05T17:00Z"), at("2026-01-06T09:00Z")))
        );
        // From inside a gap: it starts at `from`, even off the minute.
        assert_eq!(
            r.next_gap(at("2026-01-05T20:00:30.5Z"), day),
            Some((at("2026-01-05T20:00:30.5Z"), at("2026-01-06T09:00Z")))
        );
        // From just before the end of a shift.
        assert_eq!(
            r.next_gap(at("2026-01-05T16:59:30Z"), day),
            Some((at("2026-01-05T17:00Z"), at("2026-01-06T09:00Z")))
        );
        // Cut at the horizon.
        assert_eq!(
            r.next_gap(at("2026-01-05T10:00Z"), 8 * HOUR),
            Some((at("2026-01-05T17:00Z"), at("2026-01-05T18:00Z")))
        );
        // Nothing within the horizon.
        assert_eq!(r.next_gap(at("2026-01-05T10:00Z"), 7 * HOUR), None);
        assert_eq!(r.next_gap(at("2026-01-05T10:00Z"), Duration::ZERO), None);
    }

    #[test]
    fn next_gap_in_local_time() {
        // London in summer: 09:00-17:00 BST is 08:00-16:00 UTC.
        let r = roster(
            "Europe/London",
            vec![shift(&["daily"], "09:00", "17:00", &["mod-a"], None)],
        );
        assert_eq!(
            r.next_gap(at("2026-07-01T10:00Z"), 24 * HOUR),
            Some((at("2026-07-01T16:00Z"), at("2026-07-02T08:00Z")))
        );
    }

    #[test]
    fn no_gap_with_round_the_clock_cover() {
        let r = roster(
            "Europe/London",
            vec![
                shift(&["daily"], "06:00", "18:00", &["mod-a"], None),
                shift(&["daily"], "18:00", "06:00", &["mod-b"], None),
            ],
        );
        assert_eq!(r.next_gap(at("2026-01-05T10:00Z"), 24 * HOUR), None);
        // Across both daylight-saving changes, a week at a time.
        assert_eq!(r.next_gap(at("2026-03-25T00:00Z"), 7 * 24 * HOUR), None);
        assert_eq!(r.next_gap(at("2026-10-21T00:00Z"), 7 * 24 * HOUR), None);
    }

    #[test]
    fn gaps_follow_override_boundaries_exactly() {
        let base = roster(
            "UTC",
            vec![shift(&["daily"], "00:00", "24:00", &["mod-a"], None)],
        );
        let r = with_overrides(
            &base,
            vec![override_(
                "2026-06-01T12:00:30Z",
                "2026-06-01T12:10:15Z",
                &[],
                "",
                true,
            )],
        );
        assert_eq!(
            r.next_gap(at("2026-06-01T12:00Z"), HOUR),
            Some((at("2026-06-01T12:00:30Z"), at("2026-06-01T12:10:15Z")))
        );
    }

    #[test]
    fn empty_roster_has_nobody() {
        let r = Roster::empty("forum-1");
        assert_eq!(r.on_shift(at("2026-01-05T12:00Z")), OnShift::default());
        assert_eq!(
            r.next_gap(at("2026-01-05T12:00Z"), 24 * HOUR),
            Some((at("2026-01-05T12:00Z"), at("2026-01-06T12:00Z")))
        );
        let proto = r.to_proto();
        assert_eq!(proto.forum_id, "forum-1");
        assert_eq!(proto.time_zone, "UTC");
        let again = Roster::from_proto(&proto, &[]).expect("empty roster round-trips");
        assert_eq!(again.to_proto(), proto);
    }

    #[test]
    fn config_roster_round_trips_through_proto() {
        let r = roster(
            "europe/london",
            vec![
                shift(
                    &["mon", "fri"],
                    "09:00",
                    "17:00",
                    &["mod-a", "mod-b"],
                    Some("mod-a"),
                ),
                shift(&["sun"], "22:00", "24:00", &["mod-c"], None),
            ],
        );
        let proto = r.to_proto();
        assert_eq!(proto.forum_id, "forum-1");
        assert_eq!(proto.time_zone, "Europe/London", "canonical name");
        assert_eq!(
            proto.shifts,
            vec![
                v1::WeeklyShift {
                    day: v1::Weekday::Monday as i32,
                    start: "09:00".to_owned(),
                    end: "17:00".to_owned(),
                    moderator_ids: ids(&["mod-a", "mod-b"]),
                    lead_id: "mod-a".to_owned(),
                },
                v1::WeeklyShift {
                    day: v1::Weekday::Friday as i32,
                    start: "09:00".to_owned(),
                    end: "17:00".to_owned(),
                    moderator_ids: ids(&["mod-a", "mod-b"]),
                    lead_id: "mod-a".to_owned(),
                },
                v1::WeeklyShift {
                    day: v1::Weekday::Sunday as i32,
                    start: "22:00".to_owned(),
                    end: "24:00".to_owned(),
                    moderator_ids: ids(&["mod-c"]),
                    lead_id: String::new(),
                },
            ]
        );
        let mut with_override = proto.clone();
        with_override.overrides = vec![v1::RosterOverride {
            note: "Christmas".to_owned(),
            ..override_(
                "2026-12-25T00:00Z",
                "2026-12-26T00:00Z",
                &["mod-d"],
                "mod-d",
                true,
            )
        }];
        let again = Roster::from_proto(&with_override, &known()).expect("round trip");
        assert_eq!(again.to_proto(), with_override);
        for t in [
            "2026-01-05T09:30Z",
            "2026-01-09T16:00Z",
            "2026-01-11T23:00Z",
            "2026-01-06T12:00Z",
        ] {
            assert_eq!(again.on_shift(at(t)), r.on_shift(at(t)), "{t}");
        }
        assert_eq!(
            Roster::from_proto(&again.to_proto(), &known())
                .expect("again")
                .to_proto(),
            with_override
        );
    }

    #[test]
    fn bad_times_are_named() {
        let err = config_error(
            "UTC",
            vec![
                shift(&["mon"], "09:00", "17:00", &["mod-a"], None),
                shift(&["mon"], "09:00", "17:00", &["mod-a"], None),
                shift(&["mon"], "25:00", "17:00", &["mod-a"], None),
            ],
        );
        assert_eq!(err, r#"shifts[2].start: "25:00" is not a time HH:MM"#);
        for (start, end, message) in [
            (
                "9:00",
                "17:00",
                r#"shifts[0].start: "9:00" is not a time HH:MM"#,
            ),
            (
                "09:00",
                "17:60",
                r#"shifts[0].end: "17:60" is not a time HH:MM"#,
            ),
            (
                "09:00",
                "24:01",
                r#"shifts[0].end: "24:01" is not a time HH:MM"#,
            ),
            ("09:00", "", r#"shifts[0].end: "" is not a time HH:MM"#),
            (
                "09-00",
                "17:00",
                r#"shifts[0].start: "09-00" is not a time HH:MM"#,
            ),
            (
                "+9:00",
                "17:00",
                r#"shifts[0].start: "+9:00" is not a time HH:MM"#,
            ),
            (
                "24:00",
                "06:00",
                r#"shifts[0].start: "24:00" is allowed only as a shift's end"#,
            ),
        ] {
            assert_eq!(
                config_error("UTC", vec![shift(&["mon"], start, end, &["mod-a"], None)]),
                message
            );
        }
    }

    #[test]
    fn start_equal_to_end_is_rejected() {
        let err = config_error(
            "UTC",
            vec![shift(&["mon"], "09:00", "09:00", &["mod-a"], None)],
        );
        assert!(
            err.starts_with(r#"shifts[0]: start and end are both "09:00""#),
            "{err}"
        );
        let err = config_error(
            "UTC",
            vec![shift(&["mon"], "00:00", "00:00", &["mod-a"], None)],
        );
        assert!(err.starts_with("shifts[0]: start and end"), "{err}");
    }

    #[test]
    fn unknown_time_zone_is_rejected() {
        assert_eq!(
            config_error("Europe/Londn", vec![]),
            r#"time_zone: "Europe/Londn" is not a known IANA time zone"#
        );
        assert_eq!(
            config_error("", vec![]),
            r#"time_zone: "" is not a known IANA time zone"#
        );
    }

    #[test]
    fn unknown_moderators_are_rejected() {
        let err = config_error(
            "UTC",
            vec![
                shift(&["mon"], "09:00", "17:00", &["mod-a"], None),
                shift(&["tue"], "09:00", "17:00", &["mod-a", "mod-x"], None),
            ],
        );
        assert_eq!(
            err,
            r#"shifts[1].moderators: "mod-x" is not a moderator of this forum"#
        );
        let err = config_error(
            "UTC",
            vec![shift(&["mon"], "09:00", "17:00", &["mod-a"], Some("boss"))],
        );
        assert_eq!(
            err,
            r#"shifts[0].lead: "boss" is not a moderator of this forum"#
        );

        let base = roster("UTC", vec![]);
        let mut proto = base.to_proto();
        proto.overrides = vec![override_(
            "2026-06-01T00:00Z",
            "2026-06-02T00:00Z",
            &["mod-y"],
            "",
            false,
        )];
        assert_eq!(
            Roster::from_proto(&proto, &known())
                .expect_err("unknown")
                .to_string(),
            r#"overrides[0].moderator_ids: "mod-y" is not a moderator of this forum"#
        );
        proto.overrides = vec![override_(
            "2026-06-01T00:00Z",
            "2026-06-02T00:00Z",
            &[],
            "mod-z",
            true,
        )];
        assert_eq!(
            Roster::from_proto(&proto, &known())
                .expect_err("unknown")
                .to_string(),
            r#"overrides[0].lead_id: "mod-z" is not a moderator of this forum"#
        );
        proto.overrides.clear();
        proto.shifts = vec![v1::WeeklyShift {
            day: v1::Weekday::Monday as i32,
            start: "09:00".to_owned(),
            end: "17:00".to_owned(),
            moderator_ids: ids(&["mod-a"]),
            lead_id: "mod-q".to_owned(),
        }];
        assert_eq!(
            Roster::from_proto(&proto, &known())
                .expect_err("unknown")
                .to_string(),
            r#"shifts[0].lead_id: "mod-q" is not a moderator of this forum"#
        );
    }

    #[test]
    fn unknown_days_are_rejected() {
        let err = config_error(
            "UTC",
            vec![shift(
                &["mon", "funday"],
                "09:00",
                "17:00",
                &["mod-a"],
                None,
            )],
        );
        assert_eq!(
            err,
            r#"shifts[0].days[1]: "funday" is not a day (mon, tue, wed, thu, fri, sat, sun or daily)"#
        );
        let err = config_error("UTC", vec![shift(&[], "09:00", "17:00", &["mod-a"], None)]);
        assert_eq!(err, "shifts[0].days: no days given");

        let mut proto = Roster::empty("forum-1").to_proto();
        proto.shifts = vec![v1::WeeklyShift {
            day: v1::Weekday::Unspecified as i32,
            start: "09:00".to_owned(),
            end: "17:00".to_owned(),
            moderator_ids: ids(&["mod-a"]),
            lead_id: String::new(),
        }];
        assert_eq!(
            Roster::from_proto(&proto, &known())
                .expect_err("unspecified")
                .to_string(),
            "shifts[0].day: WEEKDAY_UNSPECIFIED is not a weekday (WEEKDAY_MONDAY .. WEEKDAY_SUNDAY)"
        );
        proto.shifts[0].day = 9;
        assert_eq!(
            Roster::from_proto(&proto, &known()).expect_err("out of range"),
            RosterError::BadWeekday {
                field: "shifts[0].day".to_owned(),
                value: "9".to_owned(),
            }
        );
    }

    #[test]
    fn override_must_end_after_it_starts() {
        let mut proto = Roster::empty("forum-1").to_proto();
        for (from, to) in [
            ("2026-06-01T12:00Z", "2026-06-01T12:00Z"),
            ("2026-06-01T12:00Z", "2026-06-01T11:00Z"),
        ] {
            proto.overrides = vec![override_(from, to, &["mod-a"], "", false)];
            assert_eq!(
                Roster::from_proto(&proto, &known())
                    .expect_err("to <= from")
                    .to_string(),
                "overrides[0]: `to` must be after `from`"
            );
        }
        proto.overrides = vec![v1::RosterOverride {
            to: None,
            ..override_(
                "2026-06-01T12:00Z",
                "2026-06-01T13:00Z",
                &["mod-a"],
                "",
                false,
            )
        }];
        assert_eq!(
            Roster::from_proto(&proto, &known()).expect_err("missing"),
            RosterError::MissingInstant {
                field: "overrides[0].to".to_owned()
            }
        );
        proto.overrides[0].to = Some(prost_types::Timestamp {
            seconds: 1,
            nanos: -5,
        });
        assert_eq!(
            Roster::from_proto(&proto, &known()).expect_err("bad nanos"),
            RosterError::BadInstant {
                field: "overrides[0].to".to_owned()
            }
        );
    }

    #[test]
    fn proto_rosters_are_validated_like_config_ones() {
        let mut proto = roster(
            "UTC",
            vec![shift(&["mon"], "09:00", "17:00", &["mod-a"], None)],
        )
        .to_proto();
        proto.shifts[0].end = "09:00".to_owned();
        assert!(matches!(
            Roster::from_proto(&proto, &known()),
            Err(RosterError::EmptyShift { .. })
        ));
        proto.shifts[0].end = "17:00".to_owned();
        proto.time_zone = "Mars/Olympus".to_owned();
        assert_eq!(
            Roster::from_proto(&proto, &known())
                .expect_err("zone")
                .to_string(),
            r#"time_zone: "Mars/Olympus" is not a known IANA time zone"#
        );
        proto.time_zone = "UTC".to_owned();
        proto.shifts[0].moderator_ids = ids(&["mod-x"]);
        assert_eq!(
            Roster::from_proto(&proto, &known())
                .expect_err("moderator")
                .to_string(),
            r#"shifts[0].moderator_ids: "mod-x" is not a moderator of this forum"#
        );
    }

    #[test]
    fn config_overrides_close_the_forum_and_name_bad_times() {
        let mut config = RosterConfig {
            time_zone: "Europe/London".into(),
            shifts: vec![modstream_config::ShiftConfig {
                days: vec!["daily".into()],
                start: "00:00".into(),
                end: "24:00".into(),
                moderators: vec!["ana".into()],
                lead: None,
            }],
            overrides: vec![modstream_config::OverrideConfig {
                from: "2026-12-25T00:00:00Z".into(),
                to: "2026-12-26T00:00:00Z".into(),
                moderators: vec![],
                lead: None,
                replace: true,
                note: "closed for Christmas".into(),
            }],
        };
        let known = ["ana".to_owned()];
        let roster = Roster::from_config("f", &config, &known).unwrap();
        let christmas = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_798_200_000);
        assert!(roster.on_shift(christmas).moderators.is_empty(), "closed");
        let boxing_day = christmas + std::time::Duration::from_secs(86_400);
        assert_eq!(roster.on_shift(boxing_day).moderators, ["ana"]);
        config.overrides[0].to = "Boxing Day".into();
        let err = Roster::from_config("f", &config, &known).unwrap_err();
        assert!(err.to_string().contains("overrides[0].to"), "{err}");
    }
}
