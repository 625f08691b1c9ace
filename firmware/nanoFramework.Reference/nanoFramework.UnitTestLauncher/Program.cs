// Declarations from github.com/nanoframework/nanoFramework.TestFramework, source/UnitTestLauncher/Program.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace nanoFramework.TestFramework
{
    public class UnitTestLauncher
    {
        public static void Main() => throw null;
    }
}
