import java.io.BufferedReader;
import java.io.InputStreamReader;
import liquibase.integration.commandline.LiquibaseCommandLine;

/** Runs Liquibase command lines read from stdin (tab-separated arguments, one command per line) in one JVM. */
public class LiquibaseBatch {
    public static void main(String[] ignored) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = in.readLine()) != null) {
            int code;
            try {
                code = new LiquibaseCommandLine().execute(line.split("\t"));
            } catch (Throwable t) {
                t.printStackTrace();
                code = 99;
            }
            System.out.println("@@ddlcompare-exit " + code);
            System.out.flush();
            System.err.flush();
        }
    }
}
