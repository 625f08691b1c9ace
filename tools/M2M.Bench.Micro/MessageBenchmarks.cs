using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Messaging;
using M2M.Device.Core.Time;
using GatewayEncoding = M2M.Gateway.Telemetry.SignedMessageEncoding;
using DeviceEncoding = M2M.Device.Core.Messaging.SignedMessageEncoding;

namespace M2M.Bench.Micro;

/// <summary>
/// The per-message costs: the device core's signing path (MessageSigner.Sign: encoding, HMAC,
/// base64url, user properties) with its allocations, the signed-message encoding on both sides
/// (docs/protocol.md section 6.2), and the gateway's VerifySignature stage (encode, HMAC, constant-time compare).
/// </summary>
[MemoryDiagnoser]
public class MessageBenchmarks
{
    private const string DeviceId = "sensor-0001";
    private const string Topic = "devices/sensor-0001/telemetry";
    private readonly HostHmacSha256 _hmac = new();
    private byte[] _payload = [];
    private byte[] _messageKey = [];
    private byte[] _signature = [];
    private MessageSigner _signer = null!;

    [Params(64, 512)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = RandomNumberGenerator.GetBytes(PayloadBytes);
        _messageKey = DeviceKeys.Derive(RandomNumberGenerator.GetBytes(32), _hmac).MessageKey;
        _signer = new MessageSigner(DeviceId, _messageKey, _hmac, new DeviceClock(new HostClock()), 1);
        _signature = HMACSHA256.HashData(_messageKey, GatewayEncoding.Encode(DeviceId, Topic, 1, 7, 1767225600123, "application/json", _payload));
    }

    [Benchmark(Description = "device: MessageSigner.Sign (whole signing path)")]
    public SignedMessage DeviceSign() => _signer.Sign("application/json", _payload);

    [Benchmark(Description = "device: SignedMessageEncoding.Encode")]
    public byte[] DeviceEncode() => DeviceEncoding.Encode(DeviceId, Topic, 1, 7, 1767225600123, "application/json", _payload);

    [Benchmark(Description = "gateway: SignedMessageEncoding.Encode")]
    public byte[] GatewayEncode() => GatewayEncoding.Encode(DeviceId, Topic, 1, 7, 1767225600123, "application/json", _payload);

    [Benchmark(Description = "gateway: VerifySignature stage (encode + HMAC + compare)")]
    public bool GatewayVerify()
    {
        var encoding = GatewayEncoding.Encode(DeviceId, Topic, 1, 7, 1767225600123, "application/json", _payload);
        return GatewayEncoding.VerifySignature(_messageKey, encoding, _signature);
    }
}
