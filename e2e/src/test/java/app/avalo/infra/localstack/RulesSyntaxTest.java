package app.avalo.infra.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Parse-checks {@code firestore.rules} and {@code storage.rules} in every run ({@code
 * e2e/rules-tests/check-rules.mjs}: a peggy grammar of the rules language plus scope checks of
 * function calls), and proves the check refuses typical mistakes. Google's rules compiler is not
 * available here (see RulesEmulatorTest).
 */
class RulesSyntaxTest {
  @TestFactory
  Stream<DynamicTest> firestoreRulesParse() throws Exception {
    Path root = LocalStack.repoRoot();
    return NodeTestRun.run(
        root,
        root.resolve("e2e/rules-tests/rules-syntax.test.mjs"),
        Map.of(),
        Duration.ofMinutes(2));
  }
}
