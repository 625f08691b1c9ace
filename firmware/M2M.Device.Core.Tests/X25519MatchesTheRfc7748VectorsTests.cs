using M2M.Device.Core.Crypto;
using nanoFramework.TestFramework;

namespace M2M.Device.Core.Tests
{
    /// <summary>
    /// The portable X25519 computes the test vectors of RFC 7748 (sections 5.2 and 6.1) and counts its
    /// cost: the same number of field multiplications for every scalar (docs/protocol.md section 11.6).
    /// </summary>
    [TestClass]
    public class X25519MatchesTheRfc7748VectorsTests
    {
        [TestMethod]
        public void TheFirstScalarMultiplicationVectorOfSection52()
        {
            var result = new X25519().ScalarMult(
                Hex.Decode("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                Hex.Decode("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));

            Assert.AreEqual("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", Hex.Encode(result));
        }

        [TestMethod]
        public void TheSecondVectorOfSection52IgnoresTheTopBitOfU()
        {
            // Its u has the most significant bit set, which decodeUCoordinate masks.
            var result = new X25519().ScalarMult(
                Hex.Decode("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                Hex.Decode("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"));

            Assert.AreEqual("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957", Hex.Encode(result));
        }

        [TestMethod]
        public void OneAndAThousandIterationsOfSection52()
        {
            var x = new X25519();
            var k = Hex.Decode("0900000000000000000000000000000000000000000000000000000000000000");
            var u = Hex.Decode("0900000000000000000000000000000000000000000000000000000000000000");
            for (var i = 1; i <= 1000; i++)
            {
                var next = x.ScalarMult(k, u);
                u = k;
                k = next;
                if (i == 1)
                {
                    Assert.AreEqual("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Hex.Encode(k));
                }
            }

            Assert.AreEqual("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Hex.Encode(k));
        }

        [TestMethod]
        public void TheDiffieHellmanExampleOfSection61()
        {
            var x = new X25519();
            var alicePrivate = Hex.Decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
            var bobPrivate = Hex.Decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");

            var alicePublic = x.PublicKey(alicePrivate);
            var bobPublic = x.PublicKey(bobPrivate);

            Assert.AreEqual("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Hex.Encode(alicePublic));
            Assert.AreEqual("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Hex.Encode(bobPublic));
            Assert.AreEqual("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Hex.Encode(x.ScalarMult(alicePrivate, bobPublic)));
            Assert.AreEqual("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Hex.Encode(x.ScalarMult(bobPrivate, alicePublic)));
        }

        [TestMethod]
        public void EveryScalarMultiplicationCostsTheSameFieldMultiplications()
        {
            var x = new X25519();
            x.ScalarMult(new byte[32], new byte[32]);
            var first = x.Multiplications;
            var ones = new byte[32];
            for (var i = 0; i < 32; i++)
            {
                ones[i] = 0xff;
            }

            x.ScalarMult(ones, ones);

            Assert.AreEqual((long)X25519.MultiplicationsPerScalarMult, first);
            Assert.AreEqual(2L * X25519.MultiplicationsPerScalarMult, x.Multiplications);
        }

        [TestMethod]
        public void ALowOrderPointGivesTheAllZeroSecretTheProtocolRefuses()
        {
            // u = 0 is of low order: the shared secret is all zero whatever the scalar (RFC 7748 section 6.1).
            var result = new X25519().ScalarMult(Hex.Decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"), new byte[32]);

            Assert.IsTrue(X25519.IsAllZero(result));
            Assert.IsFalse(X25519.IsAllZero(Hex.Decode("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")));
        }
    }
}
