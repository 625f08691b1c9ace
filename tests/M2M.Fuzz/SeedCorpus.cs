using System.Text;
using M2M.Device.Core.App;
using M2M.Device.Core.Storage;
using M2M.Gateway.Commands;
using M2M.Testing;

namespace M2M.Fuzz;

/// <summary>
/// Writes the generated part of the seed corpora (tests/fuzz/&lt;target&gt;/corpus/vector-*): the
/// protocol's test vectors (docs/protocol.md section 10) encoded by the production encoders. The
/// captured part comes from real clients (tests/fuzz/capture-mqtt). Run as `M2M.Fuzz seed tests/fuzz`;
/// existing files are left as they are.
/// </summary>
public static class SeedCorpus
{
    public static void Write(string root)
    {
        var vectors = ProtocolDocument.TestVectors;
        var deviceId = vectors.GetProperty("device_id").GetString()!;
        var secret = Convert.FromHexString(vectors.GetProperty("secret_hex").GetString()!);
        var assertion = vectors.GetProperty("assertion").GetProperty("jwt").GetString()!;
        var credential = new DeviceCredential(deviceId, secret, vectors.GetProperty("assertion").GetProperty("aud").GetString()!, "gateway.example", 8883);
        var record1 = CredentialRecord.Encode(credential, 1);
        var record2 = CredentialRecord.Encode(credential, 2);

        // Slots: flags byte, where slot B starts, then both slots (tests/M2M.Fuzz/Device/SlotInput.cs).
        Seed(root, "credential-slots", "vector-provisioned", Slots(0, record1, record1));
        Seed(root, "credential-slots", "vector-rotated", Slots(0, record1, record2));
        Seed(root, "credential-slots", "vector-torn-b", Slots(0x80, record2, record1[..(record1.Length / 2)]));
        Seed(root, "credential-slots", "vector-only-a", Slots(0x02, record2, []));
        var epoch7 = RecordFrame.Wrap(BootEpoch.Magic, BootEpoch.Version, 7, []);
        var epoch8 = RecordFrame.Wrap(BootEpoch.Magic, BootEpoch.Version, 8, []);
        Seed(root, "boot-epoch", "vector-first-boot", Slots(0x03, [], []));
        Seed(root, "boot-epoch", "vector-epoch-7-8", Slots(0x40, epoch7, epoch8));
        Seed(root, "boot-epoch", "vector-corrupt-b", Slots(0x08, epoch7, [.. epoch8[..10], 0xFF, .. epoch8[11..]]));

        Seed(root, "device-config", "vector-defaults", new DeviceConfig().Format());
        Seed(root, "device-config", "vector-comments", Encoding.UTF8.GetBytes("# m2m.conf\nformat = 1\n\ntelemetry_interval_s = 60\noutbox_capacity = 32\n"));

        Seed(root, "http-date", "vector-imf-fixdate", Encoding.ASCII.GetBytes("Sun, 06 Nov 1994 08:49:37 GMT"));
        Seed(root, "http-date", "vector-rfc850", Encoding.ASCII.GetBytes("Sunday, 06-Nov-94 08:49:37 GMT"));
        Seed(root, "http-date", "vector-asctime", Encoding.ASCII.GetBytes("Sun Nov  6 08:49:37 1994"));

        Seed(root, "base64url", "vector-secret", Encoding.ASCII.GetBytes(M2M.Device.Core.Crypto.Base64Url.Encode(secret)));
        Seed(root, "base64url", "vector-signature", Encoding.ASCII.GetBytes(vectors.GetProperty("messages")[0].GetProperty("signature").GetString()!));
        Seed(root, "base64url", "vector-assertion-header", Encoding.ASCII.GetBytes(assertion.Split('.')[0]));

        // Token responses: byte 0 picks the status (index into 200, 400, 401, 403, 429, 500, 503, none).
        Seed(root, "token-response", "vector-issued", Response(0, "Thu, 01 Jan 2026 00:00:00 GMT", "", "{\"access_token\":\"eyJhbGciOiJFUzI1NiJ9.e30.c2ln\",\"token_type\":\"Bearer\",\"expires_in\":600}"));
        Seed(root, "token-response", "vector-invalid-client", Response(2, "Thu, 01 Jan 2026 00:00:00 GMT", "", "{\"error\":\"invalid_client\",\"error_description\":\"unknown device\"}"));
        Seed(root, "token-response", "vector-rate-limited", Response(4, "Thu, 01 Jan 2026 00:00:00 GMT", "120", "{\"error\":\"slow_down\"}"));
        Seed(root, "token-response", "vector-unavailable", Response(6, "", "Thu, 01 Jan 2026 00:05:00 GMT", "{\"error\":\"temporarily_unavailable\"}"));

        // Commands and results (docs/protocol.md sections 10 and 11): byte 0 bit 0 asks the target to
        // sign the rest, bit 1 (commands) sets the device's clock; the vectors as sent, and unsigned
        // encodings of the other built-in commands so the fields behind the HMAC are reached.
        var commands = vectors.GetProperty("commands");
        var kCmd = Convert.FromHexString(vectors.GetProperty("k_cmd_hex").GetString()!);
        Seed(root, "command", "vector-set-config", [0x02, .. Convert.FromHexString(commands[0].GetProperty("payload_hex").GetString()!)]);
        Seed(root, "command", "vector-ping", [0x00, .. Convert.FromHexString(commands[1].GetProperty("payload_hex").GetString()!)]);
        foreach (var (name, arguments) in new[] { ("reboot", ""), ("rotate-secret", ""), ("set-config", "outbox_capacity=8\ntelemetry_interval_s=x") })
        {
            var signed = CommandWire.EncodeCommand(deviceId, 3, 1767229200, name, arguments, kCmd);
            Seed(root, "command", "vector-unsigned-" + name, [0x03, .. signed[..^32]]);
        }

        var result = Convert.FromHexString(vectors.GetProperty("command_results")[0].GetProperty("payload_hex").GetString()!);
        Seed(root, "command-result", "vector-ok", [0x00, .. result]);
        Seed(root, "command-result", "vector-unsigned-ok", [0x01, .. result[..^32]]);

        GatewaySeeds.Write(root, vectors, (target, name, bytes) => Seed(root, target, name, bytes));
    }

    private static byte[] Slots(byte flags, byte[] a, byte[] b) => [flags, (byte)(a.Length >> 8), (byte)a.Length, .. a, .. b];

    private static byte[] Response(byte status, string date, string retryAfter, string body) => [status, .. Encoding.UTF8.GetBytes(date + "\n" + retryAfter + "\n" + body)];

    private static void Seed(string root, string target, string name, byte[] bytes)
    {
        var folder = Path.Combine(root, target, "corpus");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, bytes);
        }
    }
}
