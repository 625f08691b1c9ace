// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/Delegate.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    [Serializable]
    public abstract class Delegate
    {
        public override extern bool Equals(Object obj);
        public static extern Delegate Combine(Delegate a, Delegate b);
        public virtual extern Delegate[] GetInvocationList();
        public extern Object Target { get; }
        public static extern Delegate Remove(Delegate source, Delegate value);
        public static extern bool operator ==(Delegate d1, Delegate d2);
        public static extern bool operator !=(Delegate d1, Delegate d2);
    }
}
