using System.Buffers.Binary;
using System.Text;
using M2M.Device.Core.Storage;

namespace M2M.Fuzz.Tests;

/// <summary>
/// Found by fuzzing (tests/fuzz/credential-slots/regressions/ill-formed-utf8-in-a-text-field): an
/// intact credential record whose token endpoint held the byte 0x85 loaded on the host build, the
/// byte read as U+FFFD, so the device would have asked another URL than the one provisioned. Text
/// fields are UTF-8 (docs/device-credential.md section 3); ill-formed UTF-8 is invalid content.
/// </summary>
public class CredentialFieldsOfIllFormedUtf8AreRefusedTests
{
    [Fact]
    public void AnIntactRecordWithIllFormedUtf8IsInvalidContent()
    {
        var credential = new DeviceCredential("sensor-0001", new byte[32], "https://gateway.example/oauth2/token", "gateway.example", 8883);
        var record = CredentialRecord.Encode(credential, 1);
        var at = Encoding.ASCII.GetString(record).IndexOf("token", StringComparison.Ordinal);
        record[at + 2] = 0x85;
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(record.Length - 4), Crc32.Compute(record, 0, record.Length - 4));

        var frame = CredentialRecord.Decode(record, out var decoded);

        Assert.Equal(RecordStatus.InvalidContent, frame.Status);
        Assert.Null(decoded);
    }

    [Fact]
    public void TheFuzzFindingLoadsNoCredential()
    {
        var reason = FuzzInputs.Replay("credential-slots", FuzzInputs.Read("credential-slots", "regressions", "ill-formed-utf8-in-a-text-field"));

        Assert.Equal(nameof(RecordStatus.InvalidContent), reason);
    }
}
