package io.eventwalker.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of the code and the services' boundaries (docs/architecture.md, "Layout"): platform
 * knows no service, wire knows only platform, line-provider and bet-maker know wire and platform and
 * never each other (the Maven modules also make that a compile error), no package depends on
 * itself through another, and the services keep no state in static fields.
 */
@AnalyzeClasses(packages = "io.eventwalker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  // Rules are checked from methods, not declared as @ArchTest fields: Surefire 3.5.3 does not run those.
  private static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
    .layer("platform").definedBy("io.eventwalker.platform..")
    .layer("wire").definedBy("io.eventwalker.wire..")
    .layer("line-provider").definedBy("io.eventwalker.lineprovider..")
    .layer("bet-maker").definedBy("io.eventwalker.betmaker..")
    .whereLayer("line-provider").mayNotBeAccessedByAnyLayer()
    .whereLayer("bet-maker").mayNotBeAccessedByAnyLayer()
    .whereLayer("wire").mayOnlyBeAccessedByLayers("line-provider", "bet-maker")
    .whereLayer("platform").mayOnlyBeAccessedByLayers("wire", "line-provider", "bet-maker");

  private static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.eventwalker.(**)")
    .should().beFreeOfCycles();

  private static final String[] SERVICES = {"io.eventwalker.lineprovider..", "io.eventwalker.betmaker..", "io.eventwalker.wire.."};

  private static final String WHY_NO_STATIC_STATE =
    "a verticle's state is its own: state in a static field is shared by every instance and every Vert.x of the process";

  private static final ArchRule STATIC_FIELDS_ARE_FINAL = fields()
    .that().areDeclaredInClassesThat().resideInAnyPackage(SERVICES).and().areStatic()
    .should().beFinal()
    .because(WHY_NO_STATIC_STATE);

  private static final ArchRule STATIC_FIELDS_HOLD_NOTHING_MUTABLE = noFields()
    .that().areDeclaredInClassesThat().resideInAnyPackage(SERVICES).and().areStatic()
    .and().doNotHaveModifier(JavaModifier.SYNTHETIC) // an enum's values, a switch's map: the compiler's
    .should().haveRawType(mutableHolder())
    .because(WHY_NO_STATIC_STATE);

  private static final ArchRule STATIC_INITIALIZERS_BUILD_NO_MUTABLE_COLLECTION = noClasses()
    .that().resideInAnyPackage(SERVICES)
    .should().callConstructorWhere(DescribedPredicate.describe("a collection or map is built in a static initializer",
      call -> call.getOrigin().getName().equals("<clinit>") && (call.getTargetOwner().isAssignableTo(Collection.class)
        || call.getTargetOwner().isAssignableTo(Map.class))))
    .because(WHY_NO_STATIC_STATE + " (a constant collection is List.of, Set.of or Map.of)");

  @ArchTest
  void eachLayerKnowsOnlyTheOnesBelowItAndTheServicesNeverEachOther(JavaClasses classes) {
    LAYERS.check(classes);
  }

  @ArchTest
  void noPackageDependsOnItselfThroughAnother(JavaClasses classes) {
    NO_PACKAGE_CYCLES.check(classes);
  }

  @ArchTest
  void theServicesKeepNoStateInStaticFields(JavaClasses classes) {
    STATIC_FIELDS_ARE_FINAL.check(classes);
    STATIC_FIELDS_HOLD_NOTHING_MUTABLE.check(classes);
    STATIC_INITIALIZERS_BUILD_NO_MUTABLE_COLLECTION.check(classes);
  }

  /** A type whose instances change: a concrete collection or map, an atomic, an array. */
  private static DescribedPredicate<JavaClass> mutableHolder() {
    return DescribedPredicate.describe("a mutable holder (a concrete collection or map, an atomic, an array)", type ->
      type.isArray() || type.isAssignableTo(AbstractCollection.class) || type.isAssignableTo(AbstractMap.class)
        || type.isAssignableTo(AtomicInteger.class) || type.isAssignableTo(AtomicLong.class)
        || type.isAssignableTo(AtomicReference.class) || type.isAssignableTo(LongAdder.class));
  }
}
