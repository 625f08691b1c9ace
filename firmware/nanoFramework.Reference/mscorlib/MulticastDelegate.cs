// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/MulticastDelegate.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public abstract class MulticastDelegate : Delegate
    {
        public static extern bool operator ==(MulticastDelegate d1, MulticastDelegate d2);
        public static extern bool operator !=(MulticastDelegate d1, MulticastDelegate d2);
        public override bool Equals(object obj) => throw null;
    }
}
