//! Sorting more items than a batch should hold in memory: items are gathered in chunks; a
//! full chunk is sorted and written to a temporary file (a "run"); reading back merges the
//! runs and the last chunk. Memory stays at one chunk plus one item per run, whatever the
//! number of items.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// An item that can be written to and read back from a run file.
pub(crate) trait Record: Ord + Sized {
    fn write_to(&self, w: &mut impl Write) -> io::Result<()>;
    fn read_from(r: &mut impl Read) -> io::Result<Option<Self>>;
}

/// Items in a chunk before it is sorted and spilled.
const CHUNK: usize = 16_384;

/// Collects items, then gives them back sorted.
pub(crate) struct ExternalSort<T: Record> {
    chunk: Vec<T>,
    runs: Vec<File>,
}

impl<T: Record> ExternalSort<T> {
    pub fn new() -> Self {
        ExternalSort {
            chunk: Vec::new(),
            runs: Vec::new(),
        }
    }

    pub fn push(&mut self, item: T) -> io::Result<()> {
        self.chunk.push(item);
        if self.chunk.len() >= CHUNK {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        self.chunk.sort_unstable();
        let mut w = BufWriter::new(tempfile::tempfile()?);
        for item in self.chunk.drain(..) {
            item.write_to(&mut w)?;
        }
        let mut file = w.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        self.runs.push(file);
        // Give the chunk's memory back: a large batch must not keep its peak.
        self.chunk.shrink_to(CHUNK);
        Ok(())
    }

    /// All items, sorted.
    pub fn finish(mut self) -> io::Result<Merge<T>> {
        self.chunk.sort_unstable();
        let mut sources: Vec<Source<T>> = self
            .runs
            .into_iter()
            .map(|f| Source::Run(BufReader::with_capacity(8 * 1024, f)))
            .collect();
        sources.push(Source::Memory(self.chunk.into_iter()));
        let mut heads = BinaryHeap::new();
        for (i, source) in sources.iter_mut().enumerate() {
            if let Some(item) = source.next()? {
                heads.push(Reverse((item, i)));
            }
        }
        Ok(Merge { heads, sources })
    }
}

enum Source<T> {
    Run(BufReader<File>),
    Memory(std::vec::IntoIter<T>),
}

impl<T: Record> Source<T> {
    fn next(&mut self) -> io::Result<Option<T>> {
        match self {
            Source::Run(r) => T::read_from(r),
            Source::Memory(items) => Ok(items.next()),
        }
    }
}

/// The merged, sorted items.
pub(crate) struct Merge<T: Record> {
    heads: BinaryHeap<Reverse<(T, usize)>>,
    sources: Vec<Source<T>>,
}

impl<T: Record> Iterator for Merge<T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        let Reverse((item, i)) = self.heads.pop()?;
        match self.sources[i].next() {
            Ok(Some(next)) => self.heads.push(Reverse((next, i))),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
        Some(Ok(item))
    }
}

/// A folder entry: its name, and whether it is a folder.
/// A folder entry: (name as bytes, kind).
impl Record for (Vec<u8>, u8) {
    fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(&(self.0.len() as u32).to_le_bytes())?;
        w.write_all(&self.0)?;
        w.write_all(&[self.1])
    }

    fn read_from(r: &mut impl Read) -> io::Result<Option<Self>> {
        let mut len = [0u8; 4];
        match r.read_exact(&mut len) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            other => other?,
        }
        let mut name = vec![0u8; u32::from_le_bytes(len) as usize];
        r.read_exact(&mut name)?;
        let mut kind = [0u8; 1];
        r.read_exact(&mut kind)?;
        Ok(Some((name, kind[0])))
    }
}

/// A summary line's place: (rank key, input index, offset, length).
impl Record for (u64, u32, u64, u32) {
    fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(&self.0.to_le_bytes())?;
        w.write_all(&self.1.to_le_bytes())?;
        w.write_all(&self.2.to_le_bytes())?;
        w.write_all(&self.3.to_le_bytes())
    }

    fn read_from(r: &mut impl Read) -> io::Result<Option<Self>> {
        let mut buf = [0u8; 24];
        match r.read_exact(&mut buf) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            other => other?,
        }
        let u64_at = |i: usize| u64::from_le_bytes(buf[i..i + 8].try_into().unwrap_or_default());
        let u32_at = |i: usize| u32::from_le_bytes(buf[i..i + 4].try_into().unwrap_or_default());
        Ok(Some((u64_at(0), u32_at(8), u64_at(12), u32_at(20))))
    }
}

/// Lines of any length put in order by a rank key (ties in input order) without holding
/// them: each line goes to a spill file as it comes, and only a 24-byte place per line is
/// sorted (outside memory when there are many). For summaries of large batches.
pub struct RankedLines {
    places: ExternalSort<(u64, u32, u64, u32)>,
    spill: BufWriter<File>,
    spilled: u64,
    count: usize,
}

impl RankedLines {
    /// An empty set (a temporary file is opened for the spill).
    pub fn new() -> io::Result<RankedLines> {
        Ok(RankedLines {
            places: ExternalSort::new(),
            spill: BufWriter::new(tempfile::tempfile()?),
            spilled: 0,
            count: 0,
        })
    }

    /// Adds a line with its rank key (lower first) and input index (the tie-break).
    pub fn push(&mut self, key: u64, index: usize, line: &[u8]) -> io::Result<()> {
        let too_long = || io::Error::new(io::ErrorKind::InvalidData, "line too long");
        let len = u32::try_from(line.len()).map_err(|_| too_long())?;
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        self.spill.write_all(line)?;
        self.places.push((key, index, self.spilled, len))?;
        self.spilled += u64::from(len);
        self.count += 1;
        Ok(())
    }

    /// How many lines were added.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no line was added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Calls `each` with every line, in rank order.
    pub fn for_each(self, each: &mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let mut spill = self.spill.into_inner().map_err(|e| e.into_error())?;
        let mut line = Vec::new();
        for place in self.places.finish()? {
            let (_, _, offset, len) = place?;
            line.resize(len as usize, 0);
            spill.seek(SeekFrom::Start(offset))?;
            spill.read_exact(&mut line)?;
            each(&line)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_across_many_runs() -> io::Result<()> {
        let mut sort = ExternalSort::new();
        let n = CHUNK as u64 * 3 + 17;
        // A scrambled order: multiply by a number coprime with n.
        for i in 0..n {
            sort.push(((i * 7919) % n, (i % 5) as u32, i, 1u32))?;
        }
        assert_eq!(sort.runs.len(), 3);
        let keys: Vec<u64> = sort
            .finish()?
            .map(|r| r.map(|t| t.0))
            .collect::<io::Result<_>>()?;
        assert_eq!(keys, (0..n).collect::<Vec<_>>());
        Ok(())
    }

    #[test]
    fn ranked_lines_come_back_by_key_then_input_order() -> io::Result<()> {
        let mut lines = RankedLines::new()?;
        for (i, (key, text)) in [(5u64, "e"), (1, "a1"), (3, "c"), (1, "a2")]
            .iter()
            .enumerate()
        {
            lines.push(*key, i, text.as_bytes())?;
        }
        let mut out = Vec::new();
        lines.for_each(&mut |l| {
            out.push(String::from_utf8_lossy(l).into_owned());
            Ok(())
        })?;
        assert_eq!(out, ["a1", "a2", "c", "e"]);
        Ok(())
    }

    #[test]
    fn names_round_trip_through_a_run() -> io::Result<()> {
        let mut sort = ExternalSort::new();
        for i in (0..CHUNK + 5).rev() {
            let mut name = format!("file-{i:06}.yaml").into_bytes();
            name.push(0xFF); // not UTF-8: names are bytes
            sort.push((name, u8::from(i % 2 == 0)))?;
        }
        let names: Vec<(Vec<u8>, u8)> = sort.finish()?.collect::<io::Result<_>>()?;
        assert_eq!(names.len(), CHUNK + 5);
        assert_eq!(names[0], (b"file-000000.yaml\xFF".to_vec(), 1));
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        Ok(())
    }
}
