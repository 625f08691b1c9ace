using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using M2M.Gateway.Journal;
using M2M.Gateway.Relay;

namespace M2M.Bench.Micro;

/// <summary>
/// The relay's per-record cost of building and signing (docs/ingress.md, "Relayed records"): a batch
/// of records with 150-byte payloads built into CloudEvents with RecordBatchBuilder (Merkle leaves
/// and audit paths, one ES256 signature per batch). Divide by Records for the cost per record; the
/// single-record batch shows what one signature per record costs. On the 2-core development machine
/// (load average about 8, in-process toolchain): 256 records 677 µs and 366 KB, i.e. 2.6 µs and
/// 1.4 KB (the event itself) per record; the per-record CloudEventRecord.Build it replaced took
/// 31.9 µs and 10.0 KB per record, for each sink.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes in GlobalCleanup; the class must stay unsealed.")]
public class RelayBatchBenchmarks
{
    private CommittedRecord[] _records = [];
    private RecordBatchBuilder _builder = null!;

    [Params(1, 16, 256)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var payload = RandomNumberGenerator.GetBytes(150);
        _records = [.. Enumerable.Range(1, Records).Select(i => new CommittedRecord(i, new JournalRecord(
            0, "sensor-0001", "acme", 1, "devices/sensor-0001/telemetry", 1, (uint)i, 1767225600123, 1767225600456,
            "application/json", payload, "c2lnbmF0dXJlLW9mLXRoZS1kZXZpY2UtMzItYnl0ZXMtLS0")))];
        _builder = new RecordBatchBuilder(new Signer(), TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup() => _builder.Dispose();

    [Benchmark(Description = "relay: build and sign a batch of records")]
    public RelayBatch BuildAndSign() => _builder.Build(_records);

    /// <summary>An ES256 JWS signer as the key ring's (one P-256 key).</summary>
    private sealed class Signer : IRecordSigner, IDisposable
    {
        private static readonly string Header = Base64Url.EncodeToString("""{"alg":"ES256","kid":"k1","typ":"m2m-batch+jwt"}"""u8);
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public string Issuer => "https://gateway.example";

        public string Sign(ReadOnlySpan<byte> payload, string type)
        {
            var input = Header + "." + Base64Url.EncodeToString(payload);
            return input + "." + Base64Url.EncodeToString(_key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }

        public void Dispose() => _key.Dispose();
    }
}
