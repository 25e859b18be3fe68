; listk (ANC): follow a linked list of [next, value] nodes from the head pointer mem[0]
; to its k-th node (k = mem[1], 1-based) and write that node's value at mem[mem[2]].
.machine M=20 R=6
.init r0=0 r1=1 r2=2 r3=@found r4=@hop r5=0
       r1 = READ r1        ; k
       r2 = READ r2        ; output address
       r0 = READ r0        ; head: address of the first node
hop:   r1 = DEC r1
       JEZ r1, r3
       r0 = READ r0        ; next node
       JEZ r5, r4          ; r5 = 0: always taken (ANC has no JMP)
found: r0 = INC r0         ; address of the node's value
       r0 = READ r0
       WRITE r2, r0
       STOP
