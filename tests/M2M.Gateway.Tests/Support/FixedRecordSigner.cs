using M2M.Gateway.Relay;

namespace M2M.Gateway.Tests.Support;

/// <summary>A record signer whose signature is a fixed string: for tests of what sinks read from events, not of the signature.</summary>
public sealed class FixedRecordSigner : IRecordSigner
{
    public const string Signature = "header.claims.signature";

    public string Issuer => "https://gateway.example";

    public string Sign(ReadOnlySpan<byte> payload, string type) => Signature;
}
