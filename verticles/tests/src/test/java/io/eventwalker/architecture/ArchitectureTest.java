package io.eventwalker.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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

  private static final ArchRule SERVICES_KEEP_NO_STATIC_STATE = noFields()
    .that().areDeclaredInClassesThat().resideInAnyPackage("io.eventwalker.lineprovider..", "io.eventwalker.betmaker..",
      "io.eventwalker.wire..")
    .and().areStatic()
    .should().notHaveModifier(JavaModifier.FINAL)
    .orShould().haveRawType(mutable())
    .because("a verticle's state is its own: state in a static field is shared by every instance and every Vert.x of the process");

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
    SERVICES_KEEP_NO_STATIC_STATE.check(classes);
  }

  private static DescribedPredicate<JavaClass> mutable() {
    return DescribedPredicate.describe("a mutable holder (a collection, a map or an atomic)", type ->
      type.isAssignableTo(Collection.class) || type.isAssignableTo(Map.class) || type.isAssignableTo(AtomicInteger.class)
        || type.isAssignableTo(AtomicLong.class) || type.isAssignableTo(AtomicReference.class));
  }
}
