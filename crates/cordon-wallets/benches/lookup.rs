//! Wallet-screening lookups: the exact-key probe alone, and parse + probe.
//!
//! `cargo bench -p cordon-wallets --bench lookup`
//!
//! Each question is measured twice: in wall time (`wallet-lookup`) and in this thread's CPU
//! time (`wallet-lookup-cpu`). The target is per core, and on a shared machine wall time also
//! counts the time the thread waited for a core.

use std::hint::black_box;
use std::time::Duration;

use cordon_address::{Address, parse};
use cordon_model::{Entity, Schema, prop};
use cordon_wallets::{WalletIndex, WalletIndexBuilder};
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};

/// Nanoseconds of CPU this thread has used (`CLOCK_THREAD_CPUTIME_ID`).
#[allow(unsafe_code)]
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}

/// Criterion measurement in thread CPU time (nanoseconds).
struct ThreadCpu;

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, started: u64) -> u64 {
        thread_cpu_ns().saturating_sub(started)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (div, unit) = if typical < 1e3 {
            (1.0, "ns CPU")
        } else if typical < 1e6 {
            (1e3, "µs CPU")
        } else {
            (1e6, "ms CPU")
        };
        for v in values {
            *v /= div;
        }
        unit
    }
    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let per = match t {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => *n,
            Throughput::ElementsAndBytes { elements, .. } => *elements,
            _ => 1,
        } as f64;
        for v in values {
            *v = per * 1e9 / *v / 1e6;
        }
        "M elem per CPU-s"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// Deterministic pseudo-random 20-byte values (SplitMix64).
fn bytes20(seed: u64) -> [u8; 20] {
    let mut out = [0u8; 20];
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    for chunk in out.chunks_mut(8) {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
    }
    out
}

fn evm(seed: u64) -> String {
    let mut s = String::from("0x");
    for b in bytes20(seed) {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn index_of(n: u64) -> WalletIndex {
    let entities: Vec<Entity> = (0..n)
        .map(|i| {
            let mut w = Entity::new(format!("w{i}"), Schema::CryptoWallet);
            w.add(prop::PUBLIC_KEY, evm(i));
            w.add(prop::CHAIN, "eth");
            w.add_dataset("bench-list");
            w
        })
        .collect();
    let mut b = WalletIndexBuilder::new();
    b.entities(&entities);
    b.build()
}

const BATCH: u64 = 4096;

/// The questions, each index size, into `group` (wall or CPU time).
fn lookups_into<M: Measurement>(group: &mut BenchmarkGroup<'_, M>) {
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
        .throughput(Throughput::Elements(BATCH));
    for n in [1_000u64, 1_000_000] {
        let index = index_of(n);
        // Half the probes are listed, half are not.
        let probes: Vec<Address> = (0..BATCH)
            .map(|i| {
                let seed = if i % 2 == 0 { i * 7 % n } else { n + i };
                parse(&evm(seed)).expect("valid")
            })
            .collect();
        let keys: Vec<_> = probes
            .iter()
            .map(|a| (a.key(), a.identity().to_vec()))
            .collect();
        let hits = keys
            .iter()
            .filter(|(k, id)| !index.lookup_key(*k, id).is_empty())
            .count();
        assert_eq!(hits as u64, BATCH / 2);
        group.bench_with_input(BenchmarkId::new("key", n), &keys, |b, keys| {
            b.iter(|| {
                let mut found = 0usize;
                for (k, id) in keys {
                    found += index.lookup_key(*k, id).len();
                }
                black_box(found)
            })
        });
        let texts: Vec<String> = probes.iter().map(|a| a.canonical().to_owned()).collect();
        group.bench_with_input(BenchmarkId::new("parse+lookup", n), &texts, |b, texts| {
            b.iter(|| {
                let mut found = 0usize;
                for t in texts {
                    if let Ok(a) = parse(t) {
                        found += index.lookup(&a).len();
                    }
                }
                black_box(found)
            })
        });
    }
}

fn lookups(c: &mut Criterion<WallTime>) {
    let mut group = c.benchmark_group("wallet-lookup");
    lookups_into(&mut group);
    group.finish();
}

fn lookups_cpu(c: &mut Criterion<ThreadCpu>) {
    let mut group = c.benchmark_group("wallet-lookup-cpu");
    lookups_into(&mut group);
    group.finish();
}

criterion_group!(benches, lookups);
criterion_group! {
    name = benches_cpu;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = lookups_cpu
}
criterion_main!(benches, benches_cpu);
