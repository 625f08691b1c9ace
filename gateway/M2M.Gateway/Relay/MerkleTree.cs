using System.Numerics;
using System.Security.Cryptography;

namespace M2M.Gateway.Relay;

/// <summary>
/// The Merkle Tree Hash of RFC 6962 section 2.1 (SHA-256, leaf hashes prefixed 0x00, node hashes
/// 0x01, the left subtree the largest power of two below the leaf count) and every leaf's audit path
/// (section 2.1.1), which a consumer folds back to the root as RFC 9162 section 2.1.3.2 says.
/// </summary>
public static class MerkleTree
{
    /// <summary>Bytes of a SHA-256 hash.</summary>
    public const int HashSize = 32;

    /// <summary>The prefix of a leaf's hash input (RFC 6962 section 2.1).</summary>
    public const byte LeafPrefix = 0x00;

    /// <summary>The prefix of an interior node's hash input.</summary>
    public const byte NodePrefix = 0x01;

    /// <summary>The longest audit path in a tree of <paramref name="leaves"/> leaves: ceil(log2(leaves)).</summary>
    public static int MaxPathLength(int leaves) => leaves <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)(leaves - 1));

    /// <summary>
    /// Writes the root of the leaves <paramref name="leafHashes"/> (<paramref name="count"/> hashes of
    /// <see cref="HashSize"/> bytes) to <paramref name="root"/>, and each leaf i's audit path, leaf
    /// level first, to <paramref name="paths"/> from byte i × <see cref="MaxPathLength"/> ×
    /// <see cref="HashSize"/>, its length (in hashes) in <paramref name="pathLengths"/>[i].
    /// </summary>
    public static void Build(ReadOnlySpan<byte> leafHashes, int count, Span<byte> root, Span<byte> paths, Span<int> pathLengths)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        pathLengths[..count].Clear();
        Node(leafHashes, 0, count, root, paths, pathLengths, MaxPathLength(count));
    }

    private static void Node(ReadOnlySpan<byte> leaves, int start, int count, Span<byte> hash, Span<byte> paths, Span<int> lengths, int maxLength)
    {
        if (count == 1)
        {
            leaves.Slice(start * HashSize, HashSize).CopyTo(hash);
            return;
        }

        // RFC 6962 section 2.1: k is the largest power of two smaller than n.
        var split = (int)(BitOperations.RoundUpToPowerOf2((uint)count) / 2);
        Span<byte> input = stackalloc byte[1 + (2 * HashSize)];
        input[0] = NodePrefix;
        var left = input.Slice(1, HashSize);
        var right = input.Slice(1 + HashSize, HashSize);
        Node(leaves, start, split, left, paths, lengths, maxLength);
        Node(leaves, start + split, count - split, right, paths, lengths, maxLength);

        // Post-order, so each path grows from the leaf up (section 2.1.1: PATH(m, D[n]) is the
        // path within the leaf's own subtree, then the other subtree's hash).
        for (var i = start; i < start + count; i++)
        {
            var sibling = i < start + split ? right : left;
            sibling.CopyTo(paths.Slice(((i * maxLength) + lengths[i]) * HashSize, HashSize));
            lengths[i]++;
        }

        SHA256.HashData(input, hash);
    }
}
