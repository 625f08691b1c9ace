// Declarations from github.com/nanoframework/nanoFramework.TestFramework, source/TestFramework/CollectionAssert.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System.Collections;

namespace nanoFramework.TestFramework
{
    public sealed class CollectionAssert
    {
        public static void Empty(ICollection collection, string message = "") => throw null;
        public static void NotEmpty(ICollection collection, string message = "") => throw null;
        public static void AreEqual(ICollection expected, ICollection actual, string message = "") => throw null;
        public static void AreNotEqual(ICollection notExpected, ICollection actual, string message = "") => throw null;
    }
}
