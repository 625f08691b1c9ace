using System.Security.Cryptography;
using System.Text;

namespace M2M.Gateway.Secrets;

/// <summary>
/// AES-256-GCM (NIST SP 800-38D) under the master key. Layout of a protected value:
/// version (1 byte, <see cref="Version"/>) || nonce (12 random bytes) || ciphertext || tag (16 bytes).
/// The associated data is the version byte followed by the UTF-8 purpose, so a value made for one
/// purpose (one device and credential generation, a signing key...) does not decrypt as another.
/// A random 96-bit nonce per value keeps the nonce-reuse probability negligible for the number of
/// values a gateway stores (SP 800-38D section 8.3).
/// </summary>
/// <remarks>
/// Every call uses its own <see cref="AesGcm"/> instance: the class is not safe for concurrent use,
/// and the token endpoint, the ingress and the admin API decrypt and encrypt in parallel. Setting up
/// the key schedule costs far less than the database read around it.
/// </remarks>
public sealed class AesGcmSecretProtector : ISecretProtector, IDisposable
{
    /// <summary>The format version written as the first byte.</summary>
    public const byte Version = 1;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int Overhead = 1 + NonceSize + TagSize;

    private readonly byte[] _key;

    public AesGcmSecretProtector(MasterKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        _key = masterKey.Bytes.ToArray();
    }

    /// <inheritdoc />
    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var output = new byte[Overhead + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var ciphertext = output.AsSpan(1 + NonceSize, plaintext.Length);
        var tag = output.AsSpan(1 + NonceSize + plaintext.Length, TagSize);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(purpose));
        return output;
    }

    /// <inheritdoc />
    public byte[]? Unprotect(ReadOnlySpan<byte> protectedData, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (protectedData.Length < Overhead || protectedData[0] != Version)
        {
            return null;
        }

        var length = protectedData.Length - Overhead;
        var plaintext = new byte[length];
        using var aes = new AesGcm(_key, TagSize);
        try
        {
            aes.Decrypt(
                protectedData.Slice(1, NonceSize),
                protectedData.Slice(1 + NonceSize, length),
                protectedData.Slice(1 + NonceSize + length, TagSize),
                plaintext,
                AssociatedData(purpose));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>Clears this copy of the master key.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static byte[] AssociatedData(string purpose)
    {
        var data = new byte[1 + Encoding.UTF8.GetByteCount(purpose)];
        data[0] = Version;
        Encoding.UTF8.GetBytes(purpose, data.AsSpan(1));
        return data;
    }
}
