//! Model groups inside a complex type: an `xs:choice` (a generated enum, one variant per
//! alternative) and a repeated `xs:sequence` or one that is a choice's alternative (a generated
//! struct read in schema order). Both implement [`Particle`]: they own a run of their parent's
//! children rather than an element of their own, so reading one hands back the first child it
//! does not take ([`Ahead`]) for the parent to go on with: the parent's read loop takes its
//! next child from [`next_or_ahead`]. How an alternative or a repetition is recognised is in
//! the docs of [`choice!`](crate::choice) and [`group!`](crate::group).

use super::{
    DecodeError, DecodeErrorKind, Name, Nillable, StartTag, XmlReader, XmlValue, XmlWriter,
    check_count, read_push, read_push_nillable,
};

/// What reading a particle leaves for its parent: `None` when it pulled no child beyond what it
/// took, `Some(None)` when it reached the parent's end tag, `Some(Some(tag))` for a child whose
/// start tag it read but does not take.
pub type Ahead<'a> = Option<Option<StartTag<'a>>>;

/// A model group (choice or sequence) generated as its own type: `rt::choice!` and
/// `rt::group!` implement it.
pub trait Particle: Sized {
    /// Whether `child` is an element this particle can start with (for a sequence: any of its
    /// elements, since the ones before it may be optional).
    fn starts(child: &StartTag<'_>) -> bool;
    /// Reads the particle whose first element's start tag is `first`.
    fn read_particle<'a>(
        r: &mut XmlReader<'a>,
        first: StartTag<'a>,
    ) -> Result<(Self, Ahead<'a>), DecodeError>;
    /// Writes the particle's elements.
    fn write_particle(&self, w: &mut XmlWriter);
}

impl<T: Particle> Particle for Box<T> {
    fn starts(child: &StartTag<'_>) -> bool {
        T::starts(child)
    }
    fn read_particle<'a>(
        r: &mut XmlReader<'a>,
        first: StartTag<'a>,
    ) -> Result<(Self, Ahead<'a>), DecodeError> {
        T::read_particle(r, first).map(|(value, ahead)| (Box::new(value), ahead))
    }
    fn write_particle(&self, w: &mut XmlWriter) {
        (**self).write_particle(w);
    }
}

/// The next child to handle: the one left by a particle, or the next one read.
#[inline(always)]
pub fn next_or_ahead<'a>(
    r: &mut XmlReader<'a>,
    ahead: &mut Ahead<'a>,
) -> Result<Option<StartTag<'a>>, DecodeError> {
    match ahead.take() {
        Some(next) => Ok(next),
        None => r.next_child(),
    }
}

/// Whether `child` starts a particle of the type `_slot` holds (the slot only names the type).
pub fn particle_starts<T: Particle>(_slot: &Option<T>, child: &StartTag<'_>) -> bool {
    T::starts(child)
}

/// Whether `child` starts one more repetition of the particle `_list` holds.
pub fn particle_starts_many<T: Particle>(_list: &Vec<T>, child: &StartTag<'_>) -> bool {
    T::starts(child)
}

/// Reads a particle that may occur once into `slot`; a second one is an error naming it.
pub fn read_particle_into<'a, T: Particle>(
    r: &mut XmlReader<'a>,
    first: StartTag<'a>,
    name: &'static str,
    slot: &mut Option<T>,
) -> Result<Ahead<'a>, DecodeError> {
    if slot.is_some() {
        return Err(r.error_at_tag(&first, DecodeErrorKind::Duplicate(name.to_owned())));
    }
    let (value, ahead) = T::read_particle(r, first)?;
    *slot = Some(value);
    Ok(ahead)
}

/// Reads one more repetition of a particle.
pub fn read_particle_push<'a, T: Particle>(
    r: &mut XmlReader<'a>,
    first: StartTag<'a>,
    list: &mut Vec<T>,
) -> Result<Ahead<'a>, DecodeError> {
    let (value, ahead) = T::read_particle(r, first)?;
    list.push(value);
    Ok(ahead)
}

/// Writes a particle that occurs once.
pub fn write_particle_one<T: Particle>(w: &mut XmlWriter, value: &T) {
    value.write_particle(w);
}

/// Writes a particle that may be absent.
pub fn write_particle_optional<T: Particle>(w: &mut XmlWriter, value: &Option<T>) {
    if let Some(value) = value {
        value.write_particle(w);
    }
}

/// Writes the repetitions of a particle, whose count must lie within `min..=max`.
pub fn write_particle_many<T: Particle>(
    w: &mut XmlWriter,
    name: &'static str,
    values: &[T],
    min: u32,
    max: Option<u32>,
) {
    w.check_count(&Name::local(name), values.len(), min, max);
    for value in values {
        value.write_particle(w);
    }
}

/// Reads a choice alternative that is one element.
pub fn read_alternative<'a, T: XmlValue>(
    r: &mut XmlReader<'a>,
    first: StartTag<'a>,
    name: &'static str,
) -> Result<(T, Ahead<'a>), DecodeError> {
    let mut slot = None;
    super::read_into(r, &first, name, &mut slot)?;
    Ok((super::required(r, slot, name)?, None))
}

/// Reads a choice alternative that is one nillable element.
pub fn read_alternative_nillable<'a, T: XmlValue>(
    r: &mut XmlReader<'a>,
    first: StartTag<'a>,
    name: &'static str,
) -> Result<(Nillable<T>, Ahead<'a>), DecodeError> {
    let mut slot = None;
    super::read_into_nillable(r, &first, name, &mut slot)?;
    Ok((super::required(r, slot, name)?, None))
}

/// Reads a choice alternative that is a repeated element: `first` and the children after it
/// with the same name (`is`), within `min..=max`.
pub fn read_alternative_many<'a, T: XmlValue>(
    r: &mut XmlReader<'a>,
    first: StartTag<'a>,
    name: &'static str,
    min: u32,
    max: Option<u32>,
    is: fn(&StartTag<'_>) -> bool,
) -> Result<(Vec<T>, Ahead<'a>), DecodeError> {
    let mut list = Vec::new();
    read_push(r, &first, name, &mut list)?;
    let ahead = loop {
        match r.next_child()? {
            Some(child) if is(&child) => read_push(r, &child, name, &mut list)?,
            other => break Some(other),
        }
    };
    Ok((check_count(r, list, name, min, max)?, ahead))
}

/// Like [`read_alternative_many`] for a repeated nillable element.
pub fn read_alternative_many_nillable<'a, T: XmlValue>(
    r: &mut XmlReader<'a>,
    first: StartTag<'a>,
    name: &'static str,
    min: u32,
    max: Option<u32>,
    is: fn(&StartTag<'_>) -> bool,
) -> Result<(Vec<Nillable<T>>, Ahead<'a>), DecodeError> {
    let mut list = Vec::new();
    read_push_nillable(r, &first, name, &mut list)?;
    let ahead = loop {
        match r.next_child()? {
            Some(child) if is(&child) => read_push_nillable(r, &child, name, &mut list)?,
            other => break Some(other),
        }
    };
    Ok((check_count(r, list, name, min, max)?, ahead))
}

/// Reads a choice alternative that is a nested particle occurring once.
pub fn read_alternative_particle<'a, T: Particle>(
    r: &mut XmlReader<'a>,
    first: StartTag<'a>,
) -> Result<(T, Ahead<'a>), DecodeError> {
    T::read_particle(r, first)
}

/// Reads a choice alternative that is a repeated nested particle: repetitions as long as the
/// next child starts one, within `min..=max`.
pub fn read_alternative_particles<'a, T: Particle>(
    r: &mut XmlReader<'a>,
    first: StartTag<'a>,
    name: &'static str,
    min: u32,
    max: Option<u32>,
) -> Result<(Vec<T>, Ahead<'a>), DecodeError> {
    let mut list = Vec::new();
    let mut ahead = read_particle_push(r, first, &mut list)?;
    let ahead = loop {
        match next_or_ahead(r, &mut ahead)? {
            Some(child) if T::starts(&child) => ahead = read_particle_push(r, child, &mut list)?,
            other => break Some(other),
        }
    };
    Ok((check_count(r, list, name, min, max)?, ahead))
}

/// The error for a start tag a choice was handed but has no alternative for (a generator bug:
/// the parent checks [`Particle::starts`] first).
pub fn no_alternative(r: &XmlReader<'_>, first: &StartTag<'_>) -> DecodeError {
    r.error_at_tag(first, DecodeErrorKind::UnknownElement(first.display_name()))
}
