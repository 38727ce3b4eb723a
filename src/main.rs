//! The `iamscope` command-line tool.

fn main() {
    println!("iamscope");
}
