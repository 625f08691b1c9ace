namespace M2M.Gateway.Secrets;

/// <summary>
/// Encrypts what the gateway keeps secret at rest (device secrets, signing keys, the development
/// CA's key) with AES-256-GCM under the master key (from a file created on first start with
/// owner-only permissions, or from the environment). The purpose string is bound as associated
/// data, so a ciphertext cannot be moved from one use (or one device row) to another.
/// </summary>
public interface ISecretProtector
{
    /// <summary>Encrypts <paramref name="plaintext"/>; the result carries a version byte, the nonce and the tag.</summary>
    byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose);

    /// <summary>Decrypts; null when the ciphertext was altered, made for another purpose, or under another master key.</summary>
    byte[]? Unprotect(ReadOnlySpan<byte> protectedData, string purpose);
}
