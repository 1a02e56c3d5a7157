/* nop: the smallest useful process, for fork/exec/exit benchmarks: returns 0 at once. */
int main(void)
{
	return 0;
}
