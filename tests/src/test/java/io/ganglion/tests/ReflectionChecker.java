package io.ganglion.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Reads a class file and lists every use of reflection, dynamic class loading, service loading,
 * method handles looked up by name and Java serialization in it, as {@code "Owner.method: what"}.
 *
 * <p>It looks at every type a class mentions (super types, field and method signatures, every
 * instruction's owner and descriptor, class literals, catch types, locals) and fails closed on
 * {@code java.lang.Class}: only the methods in {@link #CLASS_METHODS}, which read a name or check a
 * type, are allowed. What javac itself emits for language features is allowed: {@code
 * invokedynamic} bootstrapped by string concatenation, lambdas, records and pattern switches, and
 * an enum's own {@code valueOf(String)}. {@code ModuleLayer.boot().findModule(name)} is allowed
 * too: it asks whether the JVM was started with a module, loads no class and reaches no member.
 */
final class ReflectionChecker {
  /** Methods of {@code java.lang.Class} that look nothing up and load nothing. */
  static final Set<String> CLASS_METHODS =
      Set.of(
          "getName", "getSimpleName", "getTypeName", "getCanonicalName", "getPackageName",
          "desiredAssertionStatus", "isInstance", "cast", "isArray", "isPrimitive", "isEnum",
          "isRecord", "isInterface", "getComponentType", "hashCode", "equals", "toString");

  /** The bootstrap methods of javac's own invokedynamic call sites. */
  private static final Set<String> BOOTSTRAPS =
      Set.of(
          "java/lang/invoke/StringConcatFactory.makeConcatWithConstants",
          "java/lang/invoke/StringConcatFactory.makeConcat",
          "java/lang/invoke/LambdaMetafactory.metafactory",
          "java/lang/runtime/ObjectMethods.bootstrap",
          "java/lang/runtime/SwitchBootstraps.typeSwitch",
          "java/lang/runtime/SwitchBootstraps.enumSwitch");

  private static final Set<String> SERIALIZATION_METHODS =
      Set.of("readObject", "writeObject", "readObjectNoData", "readResolve", "writeReplace");

  private ReflectionChecker() {}

  /** The problems found in one class file, empty when it is clean. */
  static List<String> check(byte[] classFile) {
    List<String> problems = new ArrayList<>();
    new ClassReader(classFile).accept(new Checker(problems), 0);
    return problems;
  }

  /** Why a type must not appear, or null when it may. {@code name} is an internal name. */
  static String forbiddenType(String name) {
    if (name.startsWith("java/lang/reflect/")) {
      return "uses java.lang.reflect (" + name.replace('/', '.') + ")";
    }
    if (name.equals("java/lang/ClassLoader") || name.endsWith("ClassLoader")) {
      return "uses a class loader (" + name.replace('/', '.') + ")";
    }
    if (name.startsWith("java/util/ServiceLoader")) {
      return "uses ServiceLoader";
    }
    if (name.startsWith("java/lang/invoke/")) {
      return "uses method handles (" + name.replace('/', '.') + ")";
    }
    if (name.equals("java/io/ObjectInputStream")
        || name.equals("java/io/ObjectOutputStream")
        || name.equals("java/io/ObjectInput")
        || name.equals("java/io/ObjectOutput")
        || name.equals("java/io/Externalizable")
        || name.equals("java/io/Serializable")) {
      return "uses Java serialization (" + name.replace('/', '.') + ")";
    }
    if (name.startsWith("sun/") || name.startsWith("jdk/internal/")
        || name.startsWith("com/sun/")) {
      return "uses JDK internals (" + name.replace('/', '.') + ")";
    }
    return null;
  }

  /** Why a call must not be made, or null when it may; the owner's own type is checked apart. */
  static String forbiddenCall(String owner, String name, boolean inEnumValueOf) {
    switch (owner) {
      case "java/lang/Class":
        return CLASS_METHODS.contains(name) ? null : "calls Class." + name;
      case "java/lang/Module":
        return name.equals("getName") || name.equals("isNamed") ? null : "calls Module." + name;
      case "java/lang/ModuleLayer":
        return name.equals("boot") || name.equals("findModule")
            ? null
            : "calls ModuleLayer." + name;
      case "java/lang/Thread":
        return name.contains("ClassLoader") ? "calls Thread." + name : null;
      case "java/lang/Enum":
        return name.equals("valueOf") && !inEnumValueOf
            ? "calls Enum.valueOf(Class, String)"
            : null;
      default:
        return null;
    }
  }

  private static final class Checker extends ClassVisitor {
    private final List<String> problems;
    private String className;
    private boolean isEnum;

    Checker(List<String> problems) {
      super(Opcodes.ASM9);
      this.problems = problems;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
        String[] interfaces) {
      className = name;
      isEnum = (access & Opcodes.ACC_ENUM) != 0;
      if (superName != null) {
        type(className, superName);
      }
      for (String type : interfaces) {
        type(className, type);
      }
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature,
        Object value) {
      descriptor(className + "." + name, descriptor);
      return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
        String[] exceptions) {
      String where = className + "." + name;
      descriptor(where, descriptor);
      if (exceptions != null) {
        for (String type : exceptions) {
          type(where, type);
        }
      }
      if (SERIALIZATION_METHODS.contains(name)) {
        problems.add(where + ": declares the serialization hook " + name);
      }
      boolean enumValueOf = isEnum && name.equals("valueOf")
          && descriptor.equals("(Ljava/lang/String;)L" + className + ";");
      return new MethodChecker(where, enumValueOf);
    }

    private void type(String where, String internalName) {
      String problem = forbiddenType(internalName);
      if (problem != null) {
        problems.add(where + ": " + problem);
      }
    }

    private void typeOf(String where, Type type) {
      switch (type.getSort()) {
        case Type.ARRAY:
          typeOf(where, type.getElementType());
          break;
        case Type.OBJECT:
          type(where, type.getInternalName());
          break;
        case Type.METHOD:
          descriptor(where, type.getDescriptor());
          break;
        default:
          break;
      }
    }

    private void descriptor(String where, String descriptor) {
      if (descriptor.startsWith("(")) {
        for (Type argument : Type.getArgumentTypes(descriptor)) {
          typeOf(where, argument);
        }
        typeOf(where, Type.getReturnType(descriptor));
      } else {
        typeOf(where, Type.getType(descriptor));
      }
    }

    private final class MethodChecker extends MethodVisitor {
      private final String where;
      private final boolean enumValueOf;

      MethodChecker(String where, boolean enumValueOf) {
        super(Opcodes.ASM9);
        this.where = where;
        this.enumValueOf = enumValueOf;
      }

      @Override
      public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
          boolean isInterface) {
        if (owner.startsWith("[")) {
          typeOf(where, Type.getType(owner));
        } else {
          type(where, owner);
        }
        descriptor(where, descriptor);
        String problem = forbiddenCall(owner, name, enumValueOf);
        if (problem != null) {
          problems.add(where + ": " + problem);
        }
      }

      @Override
      public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        type(where, owner);
        descriptor(where, descriptor);
      }

      @Override
      public void visitTypeInsn(int opcode, String type) {
        typeOf(where, type.startsWith("[") ? Type.getType(type) : Type.getObjectType(type));
      }

      @Override
      public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        descriptor(where, descriptor);
      }

      @Override
      public void visitLdcInsn(Object value) {
        if (value instanceof Type) {
          typeOf(where, (Type) value); // a class literal names a class; it looks nothing up
        } else if (value instanceof Handle) {
          problems.add(where + ": loads a method handle constant " + describe((Handle) value));
        } else if (value instanceof ConstantDynamic) {
          problems.add(where + ": loads a dynamic constant " + value);
        }
      }

      @Override
      public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
          Object... arguments) {
        descriptor(where, descriptor);
        String target = bootstrap.getOwner() + "." + bootstrap.getName();
        if (!BOOTSTRAPS.contains(target)) {
          problems.add(where + ": invokedynamic bootstrapped by " + target.replace('/', '.'));
        }
        for (Object argument : arguments) {
          if (argument instanceof Handle) {
            Handle handle = (Handle) argument;
            // The lambda's body or a record's accessor: check what it calls like a call.
            type(where, handle.getOwner());
            descriptor(where, handle.getDesc());
            String problem = forbiddenCall(handle.getOwner(), handle.getName(), false);
            if (problem != null) {
              problems.add(where + ": refers to a method that " + problem);
            }
          } else if (argument instanceof Type) {
            typeOf(where, (Type) argument);
          }
        }
      }

      @Override
      public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        if (type != null) {
          type(where, type);
        }
      }

      @Override
      public void visitLocalVariable(String name, String descriptor, String signature,
          Label start, Label end, int index) {
        descriptor(where, descriptor);
      }
    }
  }

  private static String describe(Handle handle) {
    return handle.getOwner().replace('/', '.') + "." + handle.getName();
  }
}
